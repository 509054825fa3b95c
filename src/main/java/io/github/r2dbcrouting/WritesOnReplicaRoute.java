package io.github.r2dbcrouting;

/**
 * What a connection on the {@link Route#REPLICA replica route} does with a unit of work that a replica cannot run:
 * a write, a locking read ({@code SELECT ... FOR UPDATE}), a read-write transaction, or a statement the router does
 * not recognise. Either way nothing reaches a replica.
 *
 * @see RoutingConfiguration.Builder#writesOnReplicaRoute(WritesOnReplicaRoute)
 */
public enum WritesOnReplicaRoute {

    /**
     * Run it on the primary, and keep the connection on the primary from then on, so that the caller reads its
     * own write. Inside a {@link RoutingSession} the write counts for read-your-writes like any primary write.
     */
    ESCALATE,

    /**
     * Fail it with a {@link WriteOnReplicaRouteException}, before anything is sent: for applications that want to
     * find every write made under a replica route.
     */
    FAIL
}
