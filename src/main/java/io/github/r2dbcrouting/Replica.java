package io.github.r2dbcrouting;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.ConnectionFactory;
import org.jspecify.annotations.Nullable;

/**
 * One replica of a {@link RoutingConnectionFactory}, as a {@link ReplicaSelector} sees it: a name, a weight and the
 * load of its pool.
 */
public final class Replica {

    private final String name;

    private final ConnectionFactory connectionFactory;

    private final int weight;

    private final @Nullable PoolMetrics metrics;

    Replica(String name, ConnectionFactory connectionFactory, int weight) {
        this.name = name;
        this.connectionFactory = connectionFactory;
        this.weight = weight;
        this.metrics = connectionFactory instanceof ConnectionPool pool ? pool.getMetrics().orElse(null) : null;
    }

    /**
     * @return the name given to the builder, for example {@code replica-1}
     */
    public String name() {
        return this.name;
    }

    /**
     * @return the relative weight used by {@link ReplicaSelector#weighted()}; {@code 1} unless configured
     */
    public int weight() {
        return this.weight;
    }

    /**
     * Measure the connections in use: acquired plus waiting to be acquired.
     *
     * @return the number of connections acquired or pending, or {@code 0} when the target is not an r2dbc-pool
     * {@link ConnectionPool} and exposes no {@link PoolMetrics}
     */
    public int inUse() {
        PoolMetrics poolMetrics = this.metrics;
        return poolMetrics == null ? 0 : poolMetrics.acquiredSize() + poolMetrics.pendingAcquireSize();
    }

    /**
     * @return the {@link ConnectionFactory} this replica's connections come from
     */
    public ConnectionFactory connectionFactory() {
        return this.connectionFactory;
    }

    @Override
    public String toString() {
        return "Replica[name=" + this.name + ", weight=" + this.weight + "]";
    }
}
