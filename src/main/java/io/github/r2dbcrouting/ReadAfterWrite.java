package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.r2dbcrouting.dialect.ReplicationDialect;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Read-your-writes: records the position of each write a {@link RoutingSession} commits on the primary, and sends
 * the session's later replica reads where that write is visible (a replica known to have applied it, one that
 * waits for it, or the primary).
 */
final class ReadAfterWrite {

    private static final Logger logger = Loggers.getLogger(ReadAfterWrite.class);

    private final RoutingConnectionFactory router;

    private final ReplicaSet replicas;

    private final ReadYourWrites strategy;

    private final Duration timeout;

    private final Duration window;

    private final Scheduler scheduler;

    private volatile @Nullable ReplicationDialect primaryDialect;

    ReadAfterWrite(RoutingConnectionFactory router, ReplicaSet replicas, RoutingConfiguration configuration,
            Scheduler scheduler) {
        this.router = router;
        this.replicas = replicas;
        this.strategy = configuration.getReadYourWrites();
        this.timeout = configuration.getReadYourWritesTimeout();
        this.window = configuration.getReadYourWritesWindow();
        this.scheduler = scheduler;
        this.primaryDialect = configuration.getDialect();
    }

    /**
     * @return whether a replica read of {@code session} must take its last write into account
     */
    boolean applies(@Nullable RoutingSession session) {
        return session != null && this.strategy != ReadYourWrites.NONE && session.lastWrite() != null;
    }

    /**
     * @return whether primary connections of {@code session} must record its writes
     */
    boolean records(@Nullable RoutingSession session) {
        return session != null && this.strategy != ReadYourWrites.NONE;
    }

    /**
     * A replica read of a session that wrote before.
     */
    Mono<? extends Connection> read(RoutingSession session, LastWrite write) {
        String position = write.position();
        if (this.strategy == ReadYourWrites.TIME_WINDOW || position == null) {
            long since = this.scheduler.now(TimeUnit.MILLISECONDS) - write.epochMillis();
            if (since < this.window.toMillis()) {
                return this.router.primaryFor(session);
            }
            ReplicaTarget replica = this.replicas.choose(session);
            return replica != null ? replica.connection : this.router.noReplica(session);
        }
        ReplicaTarget sticky = session.replica();
        if (sticky != null) {
            if (sticky.state() != ReplicaState.UP) {
                // Another replica could be behind what this session already read: only the primary is safe.
                return this.router.primaryFor(session);
            }
            return caughtUp(sticky, position, session) ? sticky.connection : awaitOn(sticky, position, session);
        }
        List<Replica> candidates = this.replicas.usable();
        if (candidates.isEmpty()) {
            return this.router.noReplica(session);
        }
        ReplicaTarget chosen = this.replicas.select(candidates);
        if (!caughtUp(chosen, position, session)) {
            for (Replica candidate : candidates) {
                ReplicaTarget target = (ReplicaTarget) candidate;
                if (caughtUp(target, position, session)) {
                    chosen = target;
                    break;
                }
            }
        }
        chosen = session.stick(chosen, null);
        return caughtUp(chosen, position, session) ? chosen.connection : awaitOn(chosen, position, session);
    }

    private boolean caughtUp(ReplicaTarget replica, String position, RoutingSession session) {
        if (session.confirmed(position) && session.replica() == replica) {
            return true;
        }
        String applied = replica.position();
        ReplicationDialect dialect = replica.dialect();
        boolean covered = applied != null && dialect != null && dialect.covers(applied, position);
        if (covered && session.replica() == replica) {
            session.confirm(position);
        }
        return covered;
    }

    private Mono<? extends Connection> awaitOn(ReplicaTarget replica, String position, RoutingSession session) {
        return Mono.<Connection>from(replica.connectionFactory().create())
                .onErrorResume(error -> {
                    this.replicas.failed(replica, error);
                    return Mono.empty();
                })
                .flatMap(connection -> {
                    AtomicBoolean handedOut = new AtomicBoolean();
                    return dialectOf(replica, connection)
                            .flatMap(dialect -> dialect.awaitPosition(connection, position, this.timeout))
                            .timeout(this.timeout.plus(this.timeout), this.scheduler)
                            .onErrorReturn(false)
                            .defaultIfEmpty(false)
                            .flatMap(applied -> {
                                if (applied) {
                                    session.confirm(position);
                                    return Mono.just(connection);
                                }
                                logger.debug("{} did not apply {} within {}; reading from primary", replica.name(),
                                        position, this.timeout);
                                return release(connection).then(this.router.primaryFor(session));
                            })
                            .doOnNext(handed -> handedOut.set(true))
                            .doOnCancel(() -> {
                                if (!handedOut.get()) {
                                    release(connection).subscribe();
                                }
                            });
                })
                .switchIfEmpty(Mono.defer(() -> this.router.primaryFor(session)));
    }

    private static Mono<Void> release(Connection connection) {
        return Mono.from(connection.close()).onErrorResume(error -> Mono.empty());
    }

    private static Mono<ReplicationDialect> dialectOf(ReplicaTarget replica, Connection connection) {
        ReplicationDialect known = replica.dialect();
        return known != null ? Mono.just(known) : ReplicationDialect.detect(connection).doOnNext(replica::dialect);
    }

    /**
     * Remember in {@code session} the write that {@code connection} just committed on the primary.
     */
    Mono<Void> recordWrite(Connection connection, RoutingSession session) {
        if (this.strategy == ReadYourWrites.TIME_WINDOW) {
            return Mono.fromRunnable(() -> session.recordWrite(null, this.scheduler.now(TimeUnit.MILLISECONDS)));
        }
        ReplicationDialect known = this.primaryDialect;
        Mono<ReplicationDialect> dialect = known != null ? Mono.just(known)
                : ReplicationDialect.detect(connection).doOnNext(detected -> this.primaryDialect = detected);
        return dialect.flatMap(d -> d.lastWritePosition(connection))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .onErrorResume(error -> {
                    logger.debug("Reading the write position failed; falling back to a time window: {}",
                            ReplicaSet.describe(error));
                    return Mono.just(Optional.empty());
                })
                .doOnNext(position -> session.recordWrite(position.orElse(null),
                        this.scheduler.now(TimeUnit.MILLISECONDS)))
                .then();
    }
}
