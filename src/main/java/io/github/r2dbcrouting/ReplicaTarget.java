package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

import io.github.r2dbcrouting.dialect.ReplicationDialect;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * A replica as the router works with it: its factory, the {@code Mono} that obtains its connections with failover,
 * its dialect once known, and its health, one immutable {@link ReplicaHealth} replaced atomically.
 */
final class ReplicaTarget implements Replica {

    private static final AtomicReferenceFieldUpdater<ReplicaTarget, ReplicaHealth> HEALTH =
            AtomicReferenceFieldUpdater.newUpdater(ReplicaTarget.class, ReplicaHealth.class, "health");

    private final String name;

    private final ConnectionFactory connectionFactory;

    private final int weight;

    private final @Nullable PoolMetrics metrics;

    private final LongAdder handedOut = new LongAdder();

    /**
     * A connection from this replica, with failover to the next one.
     */
    final Mono<Connection> connection;

    /**
     * The pending return of this replica after its rest, when nothing monitors it.
     */
    final Disposable.Swap reinstatement = Disposables.swap();

    private volatile ReplicaHealth health = ReplicaHealth.INITIAL;

    private volatile @Nullable ReplicationDialect dialect;

    ReplicaTarget(String name, ConnectionFactory connectionFactory, int weight, RoutingConnectionFactory router,
            @Nullable ReplicationDialect dialect) {
        this.name = name;
        this.connectionFactory = connectionFactory;
        this.weight = weight;
        this.metrics = connectionFactory instanceof ConnectionPool pool ? pool.getMetrics().orElse(null) : null;
        this.dialect = dialect;
        this.connection = new TargetMono(router, this);
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public int weight() {
        return this.weight;
    }

    @Override
    public ReplicaState state() {
        return this.health.state();
    }

    @Override
    public String reason() {
        return this.health.reason();
    }

    @Override
    public @Nullable Duration lag() {
        return this.health.lag();
    }

    @Override
    public int inUse() {
        PoolMetrics poolMetrics = this.metrics;
        return poolMetrics == null ? 0 : poolMetrics.acquiredSize() + poolMetrics.pendingAcquireSize();
    }

    @Override
    public long handedOut() {
        return this.handedOut.sum();
    }

    /**
     * Count one connection handed out to a caller.
     */
    void countHandOut() {
        this.handedOut.increment();
    }

    ConnectionFactory connectionFactory() {
        return this.connectionFactory;
    }

    ReplicaHealth health() {
        return this.health;
    }

    @Override
    public @Nullable String position() {
        return this.health.position();
    }

    @Nullable
    ReplicationDialect dialect() {
        return this.dialect;
    }

    void dialect(ReplicationDialect detected) {
        this.dialect = detected;
    }

    /**
     * Apply {@code transition} to the current health, atomically.
     *
     * @return the health before, if the state changed; {@code null} if it did not
     */
    @Nullable
    ReplicaHealth update(UnaryOperator<ReplicaHealth> transition) {
        for (;;) {
            ReplicaHealth before = this.health;
            ReplicaHealth after = transition.apply(before);
            if (after == before) {
                return null;
            }
            if (HEALTH.compareAndSet(this, before, after)) {
                return before.state() == after.state() ? null : before;
            }
        }
    }

    @Override
    public String toString() {
        return "Replica[name=" + this.name + ", weight=" + this.weight + ", state=" + state() + "]";
    }
}
