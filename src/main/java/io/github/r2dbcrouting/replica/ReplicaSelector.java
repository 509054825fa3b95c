package io.github.r2dbcrouting.replica;

import java.util.List;
import java.util.Locale;

/**
 * Chooses the replica for a replica-routed {@code create()}.
 * <p>
 * A selector is called once per connection, on the caller's thread, so it must be thread-safe, quick and free of
 * I/O. It receives only replicas that may be used right now; the list is never empty and must not be modified.
 *
 * @see io.github.r2dbcrouting.RoutingConfiguration.Builder#replicaSelection(ReplicaSelector)
 */
@FunctionalInterface
public interface ReplicaSelector {

    /**
     * Choose one of {@code replicas}.
     *
     * @param replicas the candidates, never empty
     * @return one element of {@code replicas}; returning any other object makes {@code create()} fail with an
     * {@link IllegalStateException}
     */
    Replica select(List<Replica> replicas);

    /**
     * Take the replicas in turn. The default.
     *
     * @return a new round-robin selector
     */
    static ReplicaSelector roundRobin() {
        return new RoundRobinSelector();
    }

    /**
     * Choose a replica uniformly at random.
     *
     * @return the random selector
     */
    static ReplicaSelector random() {
        return RandomSelector.INSTANCE;
    }

    /**
     * Choose a replica at random, in proportion to its {@link Replica#weight() weight}.
     *
     * @return a new weighted selector
     */
    static ReplicaSelector weighted() {
        return new WeightedSelector();
    }

    /**
     * Choose a replica with few connections {@link Replica#inUse() in use}: the less loaded of the next replica in
     * turn and one other picked at random (the "power of two choices", which costs the same whatever the number of
     * replicas); with two replicas, the less loaded, tied ones in turn. Replicas that are not r2dbc-pool
     * {@code ConnectionPool}s count as idle.
     *
     * @return a new least-in-use selector
     */
    static ReplicaSelector leastInUse() {
        return new LeastInUseSelector();
    }

    /**
     * Look up a built-in selector by its configuration name: {@code round-robin}, {@code random}, {@code weighted}
     * or {@code least-in-use}. Case and {@code _} versus {@code -} do not matter.
     *
     * @param name the configuration name
     * @return a new selector of that kind
     * @throws IllegalArgumentException if {@code name} is {@code null} or names no built-in selector
     */
    static ReplicaSelector named(String name) {
        if (name == null) {
            throw new IllegalArgumentException("replica selection name must not be null");
        }
        switch (name.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case RoundRobinSelector.NAME:
                return roundRobin();
            case RandomSelector.NAME:
                return random();
            case WeightedSelector.NAME:
                return weighted();
            case LeastInUseSelector.NAME:
                return leastInUse();
            default:
                throw new IllegalArgumentException("Unknown replica selection '" + name + "'; use one of "
                        + RoundRobinSelector.NAME + ", " + RandomSelector.NAME + ", " + WeightedSelector.NAME + ", "
                        + LeastInUseSelector.NAME);
        }
    }
}
