package io.github.r2dbcrouting.replica;

/**
 * The health of a replica as the {@code RoutingConnectionFactory} sees it. Only {@link #UP} replicas receive reads.
 */
public enum ReplicaState {

    /**
     * Reachable, replicating, and no more than {@code maxLag} behind the primary.
     */
    UP,

    /**
     * Reachable, but behind the primary by more than {@code maxLag}, or by an unknown amount (for example while its
     * SQL thread is stopped).
     */
    LAGGING,

    /**
     * Unreachable, failing to hand out connections, or not replicating at all.
     */
    DOWN
}
