package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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

    private final int maxWaits;

    private final AtomicInteger waits = new AtomicInteger();

    private volatile @Nullable ReplicationDialect primaryDialect;

    ReadAfterWrite(RoutingConnectionFactory router, ReplicaSet replicas, RoutingConfiguration configuration,
            Scheduler scheduler) {
        this.router = router;
        this.replicas = replicas;
        this.strategy = configuration.getReadYourWrites();
        this.timeout = configuration.getReadYourWritesTimeout();
        this.window = configuration.getReadYourWritesWindow();
        this.scheduler = scheduler;
        this.maxWaits = configuration.getMaxReadYourWritesWaits();
        this.primaryDialect = configuration.getDialect();
    }

    /**
     * @return whether {@code session}'s writes are recorded, and so its later replica reads must see them
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
            if (caughtUp(sticky, position, session)) {
                return sticky.connection;
            }
            return canCatchUp(sticky) ? awaitOn(sticky, position, session) : this.router.primaryFor(session);
        }
        List<Replica> candidates = this.replicas.usable();
        if (candidates.isEmpty()) {
            return this.router.noReplica(session);
        }
        ReplicaTarget chosen = this.replicas.select(candidates);
        if (caughtUp(chosen, position, session)) {
            return session.stick(chosen, null).connection;
        }
        ReplicaTarget mostAdvanced = null;
        for (Replica candidate : candidates) {
            ReplicaTarget target = (ReplicaTarget) candidate;
            if (caughtUp(target, position, session)) {
                return session.stick(target, null).connection;
            }
            if (canCatchUp(target) && (mostAdvanced == null || ahead(target, mostAdvanced))) {
                mostAdvanced = target;
            }
        }
        if (mostAdvanced == null) {
            // Every replica is known to be further behind than a wait may last: do not hold one of their
            // connections for nothing.
            return this.router.primaryFor(session);
        }
        ReplicaTarget waitOn = session.stick(mostAdvanced, null);
        return caughtUp(waitOn, position, session) ? waitOn.connection : awaitOn(waitOn, position, session);
    }

    /**
     * @return whether a wait on {@code replica} can succeed, as far as its last known lag tells
     */
    private boolean canCatchUp(ReplicaTarget replica) {
        Duration lag = replica.lag();
        return lag == null || lag.compareTo(this.timeout) <= 0;
    }

    /**
     * @return whether {@code replica} has applied more than {@code other}, as far as their last positions tell
     */
    private static boolean ahead(ReplicaTarget replica, ReplicaTarget other) {
        String mine = replica.position();
        String theirs = other.position();
        ReplicationDialect dialect = replica.dialect();
        if (mine == null || dialect == null) {
            return false;
        }
        return theirs == null || (dialect.covers(mine, theirs) && !dialect.covers(theirs, mine));
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

    /**
     * Wait on {@code replica} until it applied {@code position}, holding one of its connections, unless
     * {@code maxReadYourWritesWaits} waits already hold one: then read from the primary.
     */
    private Mono<? extends Connection> awaitOn(ReplicaTarget replica, String position, RoutingSession session) {
        return Mono.defer(() -> {
            if (this.waits.incrementAndGet() > this.maxWaits) {
                this.waits.decrementAndGet();
                logger.debug("{} read-your-writes waits already hold a connection; reading from primary",
                        this.maxWaits);
                return this.router.primaryFor(session);
            }
            return waitOn(replica, position, session).doFinally(signal -> this.waits.decrementAndGet());
        });
    }

    private Mono<? extends Connection> waitOn(ReplicaTarget replica, String position, RoutingSession session) {
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
                                    session.served(replica.name());
                                    return Mono.just(this.router.handOut(connection, replica));
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
