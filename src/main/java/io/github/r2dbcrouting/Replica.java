package io.github.r2dbcrouting;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One replica of a {@link RoutingConnectionFactory}, as a {@link ReplicaSelector} sees it: a name, a weight, the
 * load of its pool, and its health.
 */
public final class Replica {

    private final String name;

    private final ConnectionFactory connectionFactory;

    private final int weight;

    private final @Nullable PoolMetrics metrics;

    private volatile ReplicaState state = ReplicaState.UP;

    private volatile String reason = "not checked yet";

    private volatile @Nullable String position;

    private volatile @Nullable ReplicationDialect dialect;

    private int failures;

    private long restUntilNanos;

    /**
     * A connection from this replica, with failover; set once by the router that owns this replica.
     */
    Mono<Connection> connection = Mono.empty();

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

    /**
     * @return the current health; only {@link ReplicaState#UP} replicas receive reads
     */
    public ReplicaState state() {
        return this.state;
    }

    /**
     * @return why the replica is in its {@link #state()}, for example {@code lag 12s > maxLag 5s}
     */
    public String reason() {
        return this.reason;
    }

    /**
     * @return the replication position last read from the replica, or {@code null} if unknown
     */
    @Nullable
    String position() {
        return this.position;
    }

    @Nullable
    ReplicationDialect dialect() {
        return this.dialect;
    }

    void dialect(ReplicationDialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Record a successful probe.
     *
     * @return the previous state, if the state changed; otherwise {@code null}
     */
    synchronized @Nullable ReplicaState probed(@Nullable ReplicationStatus status, HealthPolicy policy, long nowNanos) {
        if (status != null) {
            this.position = status.position();
        }
        HealthPolicy.Verdict verdict = policy.evaluate(status);
        if (verdict.state() == ReplicaState.DOWN) {
            return fail(verdict.reason(), policy, nowNanos);
        }
        if (this.state == ReplicaState.DOWN && nowNanos - this.restUntilNanos < 0) {
            return null;
        }
        this.failures = 0;
        return change(verdict.state(), verdict.reason());
    }

    /**
     * Record a failure (unreachable, a failed probe or connection): DOWN, resting for an exponential backoff.
     *
     * @return the previous state, if the state changed; otherwise {@code null}
     */
    synchronized @Nullable ReplicaState fail(String why, HealthPolicy policy, long nowNanos) {
        if (this.state != ReplicaState.DOWN && nowNanos - this.restUntilNanos > policy.maxBackoff.toNanos()) {
            // The last failure is long past: this one starts a new series.
            this.failures = 0;
        }
        this.failures++;
        this.restUntilNanos = nowNanos + policy.backoff(this.failures).toNanos();
        return change(ReplicaState.DOWN, why);
    }

    /**
     * @return whether the replica is DOWN and its rest is over, so that it may be tried again
     */
    synchronized boolean restOver(long nowNanos) {
        return this.state == ReplicaState.DOWN && nowNanos - this.restUntilNanos >= 0;
    }

    /**
     * @return how long until the rest of a DOWN replica is over; zero if it is over or the replica is not DOWN
     */
    synchronized long restNanos(long nowNanos) {
        return this.state == ReplicaState.DOWN ? Math.max(0, this.restUntilNanos - nowNanos) : 0;
    }

    /**
     * Put a DOWN replica back into rotation on probation, when nothing probes it.
     *
     * @return the previous state, if the state changed; otherwise {@code null}
     */
    synchronized @Nullable ReplicaState reinstate(long nowNanos) {
        if (!restOver(nowNanos)) {
            return null;
        }
        return change(ReplicaState.UP, "back after backoff; not probed (monitoring is off)");
    }

    private @Nullable ReplicaState change(ReplicaState next, String why) {
        ReplicaState previous = this.state;
        this.reason = why;
        if (previous == next) {
            return null;
        }
        this.state = next;
        return previous;
    }

    @Override
    public String toString() {
        return "Replica[name=" + this.name + ", weight=" + this.weight + ", state=" + this.state + "]";
    }
}
