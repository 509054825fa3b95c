package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.Optional;

import io.github.r2dbcrouting.dialect.ReplicationDialect;
import io.github.r2dbcrouting.dialect.ReplicationStatus;
import io.github.r2dbcrouting.internal.Masking;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Watches one replica in the background, on a connection of its own (never one of the application's pool): every
 * interval it reads the replica's replication status and reports it to the router. Every step has a timeout, so a
 * hung server cannot hang the monitor. A DOWN replica is probed every interval too, each time on a new connection
 * (the one it had may have died with the server), so that it is back as soon as it answers.
 */
final class ReplicationMonitor implements Disposable {

    private static final Logger logger = Loggers.getLogger(ReplicationMonitor.class);

    interface Listener {

        void probed(ReplicaTarget replica, @Nullable ReplicationStatus status);

        void unreachable(ReplicaTarget replica, Throwable error);
    }

    private final ReplicaTarget replica;

    private final ConnectionFactory connectionFactory;

    private final Duration interval;

    private final Duration timeout;

    private final Scheduler scheduler;

    private final Listener listener;

    private volatile @Nullable Connection connection;

    private volatile @Nullable Disposable loop;

    ReplicationMonitor(ReplicaTarget replica, ConnectionFactory connectionFactory, Duration interval, Duration timeout,
            Scheduler scheduler, Listener listener) {
        this.replica = replica;
        this.connectionFactory = connectionFactory;
        this.interval = interval;
        this.timeout = timeout;
        this.scheduler = scheduler;
        this.listener = listener;
    }

    /**
     * Probe now, then an interval after each probe ends: two probes are always at least an interval apart, so two
     * healthy ones in a row mean the replica answered for at least that long.
     */
    void start() {
        this.loop = Mono.defer(this::probe)
                .then(Mono.delay(this.interval, this.scheduler))
                .repeat()
                .subscribe();
    }

    Mono<Void> probe() {
        if (this.replica.state() == ReplicaState.DOWN) {
            closeConnection();
        }
        return connection()
                .flatMap(this::status)
                .timeout(this.timeout, this.scheduler)
                .doOnNext(status -> this.listener.probed(this.replica, status.orElse(null)))
                .onErrorResume(error -> {
                    closeConnection();
                    this.listener.unreachable(this.replica, error);
                    return Mono.empty();
                })
                .then();
    }

    private Mono<Optional<ReplicationStatus>> status(Connection current) {
        ReplicationDialect known = this.replica.dialect();
        Mono<ReplicationDialect> dialect = known != null ? Mono.just(known)
                : ReplicationDialect.detect(current).doOnNext(this.replica::dialect);
        return dialect.flatMap(d -> d.status(current)).map(Optional::of).defaultIfEmpty(Optional.empty());
    }

    private Mono<Connection> connection() {
        Connection current = this.connection;
        if (current != null) {
            return Mono.just(current);
        }
        return Mono.<Connection>from(this.connectionFactory.create()).doOnNext(created -> this.connection = created);
    }

    private void closeConnection() {
        Connection current = this.connection;
        this.connection = null;
        if (current != null) {
            Mono.from(current.close())
                    .onErrorResume(error -> {
                        logger.debug("Closing the monitor connection of {} failed: {}", this.replica.name(),
                                Masking.text(error.toString()));
                        return Mono.empty();
                    })
                    .subscribe();
        }
    }

    @Override
    public void dispose() {
        Disposable current = this.loop;
        if (current != null) {
            current.dispose();
        }
        closeConnection();
    }

    @Override
    public boolean isDisposed() {
        Disposable current = this.loop;
        return current == null || current.isDisposed();
    }
}
