package io.github.r2dbcrouting;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.github.r2dbcrouting.internal.Masking;
import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One cluster of the {@link ClusterRegistry} that was resolved or named by URL: its router once open, how many of
 * its connections are in use, and whether it was evicted.
 * <p>
 * The count and the eviction mark live in one {@code int}, so that a lease and an eviction cannot both win: a
 * lease is refused once the cluster is evicted, and an eviction of an idle cluster is refused once a lease took
 * it. An evicted cluster closes its router (its pools and monitors) as soon as no connection of it is in use.
 */
final class DynamicCluster {

    private static final Logger logger = Loggers.getLogger(DynamicCluster.class);

    private static final int EVICTED = 1 << 30;

    private static final AtomicIntegerFieldUpdater<DynamicCluster> STATE =
            AtomicIntegerFieldUpdater.newUpdater(DynamicCluster.class, "state");

    final String name;

    private final Sinks.One<DynamicCluster> opened = Sinks.one();

    private final Sinks.Empty<Void> closed = Sinks.empty();

    private volatile @Nullable RoutingConnectionFactory router;

    /**
     * Connections in use, plus {@link #EVICTED} once evicted.
     */
    private volatile int state;

    private volatile long lastUsed;

    DynamicCluster(String name) {
        this.name = name;
        this.lastUsed = System.nanoTime();
    }

    /**
     * @return a {@code Mono} of this cluster once its router is open, or of the error that kept it from opening
     */
    Mono<DynamicCluster> opened() {
        return this.opened.asMono();
    }

    void open(RoutingConnectionFactory router) {
        this.router = router;
        this.lastUsed = System.nanoTime();
        this.opened.tryEmitValue(this);
        if ((this.state & EVICTED) != 0) {
            // Evicted by the registry's close() while opening.
            closeRouter();
        }
    }

    void failed(Throwable error) {
        this.opened.tryEmitError(error);
    }

    /**
     * Take a connection of this cluster, counted in use until it is closed, or until the attempt fails or is
     * cancelled.
     *
     * @return the connection, or {@code null} if this cluster was evicted and the caller must look it up again
     */
    @Nullable
    Mono<Connection> lease() {
        for (;;) {
            int current = this.state;
            if ((current & EVICTED) != 0) {
                return null;
            }
            if (STATE.compareAndSet(this, current, current + 1)) {
                break;
            }
        }
        this.lastUsed = System.nanoTime();
        RoutingConnectionFactory open = this.router;
        if (open == null) {
            release();
            return Mono.error(new IllegalStateException("Cluster '" + Masking.url(this.name) + "' is not open"));
        }
        ClusterLease lease = new ClusterLease(this);
        return Mono.<Connection>from(open.create())
                .<Connection>handle((connection, sink) -> {
                    if (lease.handOut()) {
                        sink.next(new LeasedConnection(connection, lease));
                    }
                    else {
                        Mono.from(connection.close()).subscribe(null, error -> { });
                    }
                })
                .doOnError(error -> lease.abandon())
                .doOnCancel(lease::abandon);
    }

    /**
     * One connection of this cluster is no longer in use; the last one of an evicted cluster closes it.
     */
    void release() {
        this.lastUsed = System.nanoTime();
        if (STATE.decrementAndGet(this) == EVICTED) {
            closeRouter();
        }
    }

    /**
     * Evict this cluster if it is open and no connection of it is in use, and close it.
     *
     * @return whether it was evicted
     */
    boolean evictIfIdle() {
        if (this.router == null || !STATE.compareAndSet(this, 0, EVICTED)) {
            return false;
        }
        closeRouter();
        return true;
    }

    /**
     * Evict this cluster whatever it holds: it hands out nothing more and closes once its last connection is
     * released.
     */
    void evict() {
        int previous = STATE.getAndUpdate(this, current -> current | EVICTED);
        if (previous == 0) {
            closeRouter();
        }
    }

    /**
     * @return whether this cluster is open, not evicted and has no connection in use
     */
    boolean isIdle() {
        return this.router != null && this.state == 0;
    }

    int inUse() {
        return this.state & ~EVICTED;
    }

    long lastUsed() {
        return this.lastUsed;
    }

    /**
     * @return a {@code Mono} that completes once this cluster's pools are closed
     */
    Mono<Void> closed() {
        return this.closed.asMono();
    }

    private void closeRouter() {
        RoutingConnectionFactory open = this.router;
        if (open == null) {
            return;
        }
        logger.debug("Closing cluster '{}'", Masking.url(this.name));
        open.close().subscribe(null, error -> {
            logger.warn("Cluster '{}' did not close cleanly: {}", Masking.url(this.name),
                    Masking.text(String.valueOf(error.getMessage())));
            this.closed.tryEmitEmpty();
        }, this.closed::tryEmitEmpty);
    }

    @Override
    public String toString() {
        return "'" + Masking.url(this.name) + "' (" + inUse() + " in use" + ((this.state & EVICTED) != 0
                ? ", evicted" : "") + ")";
    }
}
