package io.github.r2dbcrouting.replica;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * One replica of a {@code RoutingConnectionFactory}, as a {@link ReplicaSelector} and an operator see it: a name, a
 * weight, its health and the load of its pool. A read-only view: the values are read live each time.
 * <p>
 * The router hands its own replicas to a selector. To unit-test a selector of your own, implement this interface
 * with fixed values.
 */
public interface Replica {

    /**
     * @return the name given to the builder, for example {@code replica-1}
     */
    String name();

    /**
     * @return the relative weight used by {@link ReplicaSelector#weighted()}; {@code 1} unless configured
     */
    int weight();

    /**
     * @return the current health; only {@link ReplicaState#UP} replicas receive reads
     */
    ReplicaState state();

    /**
     * @return why the replica is in its {@link #state()}, for example {@code lag 12s > maxLag 5s}
     */
    String reason();

    /**
     * @return how far behind the primary the replica was at its last probe, or {@code null} if unknown (never
     * probed, unreachable, or the server did not say)
     */
    @Nullable Duration lag();

    /**
     * @return the replication position (a GTID list on MariaDB, a GTID set on MySQL) the replica had applied at its
     * last probe, or {@code null} if unknown
     */
    @Nullable String position();

    /**
     * Measure the connections in use: acquired plus waiting to be acquired.
     *
     * @return the number of connections acquired or pending, or {@code 0} when the replica's factory is not an
     * r2dbc-pool {@code ConnectionPool} and exposes no metrics
     */
    int inUse();

    /**
     * Count the connections handed out so far.
     *
     * @return how many connections this replica has handed out to callers since the router was built; {@code 0}
     * unless the view belongs to a router
     */
    default long handedOut() {
        return 0;
    }
}
