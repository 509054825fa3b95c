package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.github.r2dbcrouting.internal.Masking;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Closeable;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.ContextView;

/**
 * A {@link ConnectionFactory} that hands out connections of a primary or of one of its replicas, chosen from the
 * route in the subscriber's Reactor Context (see {@link Routing}).
 * <p>
 * {@link #create()} reads the route when it is subscribed, picks a target and delegates to it: the connection
 * returned is the target's own, so closing it releases it to the target's pool. Without a route, connections come
 * from the primary. A replica route goes to a replica chosen by the {@link ReplicaSelector}; when there is no
 * replica it goes to the primary, unless {@link Builder#fallbackToPrimary(boolean) fallbackToPrimary} is
 * {@code false}, in which case {@code create()} emits a {@link NoReplicaAvailableException}.
 * <pre class="code">
 * RoutingConnectionFactory router = RoutingConnectionFactory.builder()
 *     .primary("r2dbc:mysql://app@db-primary:3306/shop")
 *     .replica("replica-1", "r2dbc:mysql://app@db-replica-1:3306/shop")
 *     .replica("replica-2", "r2dbc:mysql://app@db-replica-2:3306/shop")
 *     .pool(pool -&gt; pool.maxSize(20))
 *     .build();
 * </pre>
 */
public final class RoutingConnectionFactory
        implements ConnectionFactory, Closeable, Disposable, Wrapped<ConnectionFactory> {

    /**
     * The target name of the primary, usable with {@link Builder#pool(String, Consumer)}.
     */
    public static final String PRIMARY = "primary";

    private static final Logger logger = Loggers.getLogger(RoutingConnectionFactory.class);

    private static final AtomicIntegerFieldUpdater<RoutingConnectionFactory> CLOSED =
            AtomicIntegerFieldUpdater.newUpdater(RoutingConnectionFactory.class, "closed");

    private final ConnectionFactory primary;

    private final List<Replica> replicas;

    private final ReplicaSelector selector;

    private final boolean fallbackToPrimary;

    private final Settings settings;

    private final List<Closeable> owned;

    private final List<ReplicationMonitor> monitors;

    private final Mono<Connection> create;

    private final Mono<Connection> primaryConnection;

    private final WriteRecordingConnection.Recorder recorder = this::recordWrite;

    private volatile List<Replica> usable;

    private volatile @Nullable ReplicationDialect primaryDialect;

    private volatile int closed;

    private RoutingConnectionFactory(ConnectionFactory primary, List<Replica> replicas, ReplicaSelector selector,
            boolean fallbackToPrimary, Settings settings, List<Closeable> owned) {
        this.primary = primary;
        this.replicas = replicas;
        this.usable = replicas;
        this.selector = selector;
        this.fallbackToPrimary = fallbackToPrimary;
        this.settings = settings;
        this.owned = owned;
        this.primaryDialect = settings.dialect;
        List<ReplicationMonitor> monitorList = new ArrayList<>();
        this.create = RoutingMono.of(this);
        this.primaryConnection = new TargetMono(this, null);
        for (Replica replica : replicas) {
            replica.connection = new TargetMono(this, replica);
            if (settings.dialect != null) {
                replica.dialect(settings.dialect);
            }
            if (settings.monitoring) {
                monitorList.add(new ReplicationMonitor(replica, monitorFactory(replica.connectionFactory()),
                        settings.monitorInterval, settings.monitorTimeout, settings.scheduler, new Health()));
            }
        }
        this.monitors = Collections.unmodifiableList(monitorList);
    }

    private static ConnectionFactory monitorFactory(ConnectionFactory replicaFactory) {
        // The monitor must not take a connection from the application's pool: it opens its own.
        return replicaFactory instanceof ConnectionPool pool ? pool.unwrap() : replicaFactory;
    }

    /**
     * Start building a router.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Obtain a connection from the target that the subscriber's Context routes to.
     * <p>
     * The route is read at subscription, so the same {@code Mono} routes differently under different Contexts.
     * When a replica fails to hand out a connection, the same subscription fails over to the next {@code UP}
     * replica and then to the primary; the caller sees no error.
     *
     * @return a {@code Mono} of the chosen target's connection
     */
    @Override
    public Mono<? extends Connection> create() {
        return this.create;
    }

    /**
     * Subscribe {@code actual} to the target its Context routes to: the work of every {@code create()}
     * subscription. One Context read; the common routes go straight to a target's {@link TargetMono}.
     */
    void route(CoreSubscriber<? super Connection> actual) {
        if (this.closed != 0) {
            Operators.error(actual, new IllegalStateException("RoutingConnectionFactory is closed"));
            return;
        }
        ContextRoute route = Routing.read(actual.currentContext());
        if (route == null) {
            this.primaryConnection.subscribe(actual);
            return;
        }
        RoutingSession session = route.session;
        if (route.route != Route.REPLICA) {
            primaryFor(session).subscribe(actual);
        }
        else if (session != null && session.hasWrite() && this.settings.readYourWrites != ReadYourWrites.NONE) {
            afterWrite(session).subscribe(actual);
        }
        else {
            Replica replica = chooseReplica(session);
            (replica != null ? replica.connection : noReplica(session)).subscribe(actual);
        }
    }

    private @Nullable Replica chooseReplica(@Nullable RoutingSession session) {
        List<Replica> candidates = this.usable;
        if (candidates.isEmpty()) {
            return null;
        }
        if (session == null) {
            return this.selector.select(candidates);
        }
        Replica sticky = session.replica();
        if (sticky != null && sticky.state() == ReplicaState.UP) {
            return sticky;
        }
        return session.stick(this.selector.select(candidates), sticky);
    }

    private Mono<? extends Connection> primaryFor(@Nullable RoutingSession session) {
        if (session == null || this.settings.readYourWrites == ReadYourWrites.NONE) {
            return this.primaryConnection;
        }
        return this.primaryConnection.map(delegate -> new WriteRecordingConnection(delegate, session, this.recorder));
    }

    Mono<? extends Connection> noReplica(@Nullable RoutingSession session) {
        if (this.fallbackToPrimary) {
            if (logger.isDebugEnabled()) {
                logger.debug("{}; reading from primary because fallbackToPrimary=true", describeReplicas());
            }
            return primaryFor(session);
        }
        return Mono.error(new NoReplicaAvailableException(describeReplicas() + "; fallbackToPrimary=false, so a "
                + "replica-routed connection cannot be created. "
                + (this.replicas.isEmpty() ? "Add replicas with RoutingConnectionFactory.builder().replica(name, ...)"
                        : "Check the replicas") + " or allow fallbackToPrimary(true)"));
    }

    private String describeReplicas() {
        if (this.replicas.isEmpty()) {
            return "No replica is configured";
        }
        return this.replicas.stream()
                .map(replica -> replica.name() + ": " + replica.state() + ", " + replica.reason())
                .collect(Collectors.joining("; ", "No replica is UP (", ")"));
    }

    // Failover ------------------------------------------------------------------------------------------------

    /**
     * Record that {@code failed} did not hand out a connection, and choose where the same subscription goes next.
     *
     * @return the next replica to try, or {@code null} when no other replica is UP
     */
    @Nullable
    Replica failedOver(Replica failed, Throwable error, ContextView context) {
        markFailed(failed, error);
        Replica next = chooseReplica(Routing.currentSession(context));
        if (next == null || next == failed) {
            return null;
        }
        logger.debug("Connection to {} failed; using {}", failed.name(), next.name());
        return next;
    }

    private void markFailed(Replica replica, Throwable error) {
        changed(replica, replica.fail("connection failed: " + describe(error), this.settings.health, nanos()));
        if (!this.settings.monitoring) {
            reinstateAfterRest(replica);
        }
    }

    /**
     * Without a monitor, put a failed replica back into rotation when its rest is over.
     */
    private void reinstateAfterRest(Replica replica) {
        long rest = replica.restNanos(nanos());
        this.settings.scheduler.schedule(() -> {
            if (this.closed != 0) {
                return;
            }
            ReplicaState before = replica.reinstate(nanos());
            changed(replica, before);
            if (before == null && replica.state() == ReplicaState.DOWN) {
                // It failed again meanwhile: its rest is longer now.
                reinstateAfterRest(replica);
            }
        }, rest, TimeUnit.NANOSECONDS);
    }

    /**
     * After a replica's state may have changed: rebuild the list of UP replicas and log the change once.
     *
     * @param previous the state before, if it changed; {@code null} if it did not
     */
    private synchronized void changed(Replica replica, @Nullable ReplicaState previous) {
        if (previous == null) {
            return;
        }
        this.usable = this.replicas.stream()
                .filter(candidate -> candidate.state() == ReplicaState.UP)
                .collect(Collectors.toUnmodifiableList());
        if (replica.state() == ReplicaState.UP) {
            logger.info("Replica {} is UP again (was {}): {}", replica.name(), previous, replica.reason());
        }
        else {
            logger.warn("Replica {} is {} (was {}): {}", replica.name(), replica.state(), previous,
                    replica.reason());
        }
    }

    private final class Health implements ReplicationMonitor.Listener {

        @Override
        public void probed(Replica replica, @Nullable ReplicationStatus status) {
            changed(replica, replica.probed(status, RoutingConnectionFactory.this.settings.health, nanos()));
        }

        @Override
        public void failed(Replica replica, Throwable error) {
            changed(replica, replica.fail("unreachable: " + describe(error),
                    RoutingConnectionFactory.this.settings.health, nanos()));
        }
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : message;
    }

    private long nanos() {
        return this.settings.scheduler.now(TimeUnit.NANOSECONDS);
    }

    // Read-your-writes ----------------------------------------------------------------------------------------

    private Mono<? extends Connection> afterWrite(RoutingSession session) {
        String position = session.lastWritePosition();
        if (this.settings.readYourWrites == ReadYourWrites.TIME_WINDOW || position == null) {
            long since = this.settings.scheduler.now(TimeUnit.MILLISECONDS) - session.writeEpochMillis();
            if (since < this.settings.readYourWritesWindow.toMillis()) {
                return primaryFor(session);
            }
            Replica replica = chooseReplica(session);
            return replica != null ? replica.connection : noReplica(session);
        }
        Replica sticky = session.replica();
        if (sticky != null) {
            if (sticky.state() != ReplicaState.UP) {
                // Another replica could be behind what this session already read: only the primary is safe.
                return primaryFor(session);
            }
            return caughtUp(sticky, position, session) ? sticky.connection : awaitOn(sticky, position, session);
        }
        List<Replica> candidates = this.usable;
        if (candidates.isEmpty()) {
            return noReplica(session);
        }
        Replica chosen = this.selector.select(candidates);
        if (!caughtUp(chosen, position, session)) {
            for (Replica candidate : candidates) {
                if (caughtUp(candidate, position, session)) {
                    chosen = candidate;
                    break;
                }
            }
        }
        chosen = session.stick(chosen, null);
        return caughtUp(chosen, position, session) ? chosen.connection : awaitOn(chosen, position, session);
    }

    private boolean caughtUp(Replica replica, String position, RoutingSession session) {
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

    private Mono<? extends Connection> awaitOn(Replica replica, String position, RoutingSession session) {
        Duration timeout = this.settings.readYourWritesTimeout;
        return Mono.<Connection>from(replica.connectionFactory().create())
                .onErrorResume(error -> {
                    markFailed(replica, error);
                    return Mono.empty();
                })
                .flatMap(connection -> {
                    AtomicBoolean handedOut = new AtomicBoolean();
                    return dialectOf(replica, connection)
                            .flatMap(dialect -> dialect.awaitPosition(connection, position, timeout))
                            .timeout(timeout.plus(timeout), this.settings.scheduler)
                            .onErrorReturn(false)
                            .defaultIfEmpty(false)
                            .flatMap(applied -> {
                                if (applied) {
                                    session.confirm(position);
                                    return Mono.just(connection);
                                }
                                logger.debug("{} did not apply {} within {}; reading from primary", replica.name(),
                                        position, timeout);
                                return release(connection).then(primaryFor(session));
                            })
                            .doOnNext(handed -> handedOut.set(true))
                            .doOnCancel(() -> {
                                if (!handedOut.get()) {
                                    release(connection).subscribe();
                                }
                            });
                })
                .switchIfEmpty(Mono.defer(() -> primaryFor(session)));
    }

    private static Mono<Void> release(Connection connection) {
        return Mono.from(connection.close()).onErrorResume(error -> Mono.empty());
    }

    private Mono<ReplicationDialect> dialectOf(Replica replica, Connection connection) {
        ReplicationDialect known = replica.dialect();
        return known != null ? Mono.just(known) : ReplicationDialect.detect(connection).doOnNext(replica::dialect);
    }

    private Mono<Void> recordWrite(Connection connection, RoutingSession session) {
        if (this.settings.readYourWrites == ReadYourWrites.TIME_WINDOW) {
            return Mono.fromRunnable(() -> session.recordWrite(null, this.settings.scheduler.now(
                    TimeUnit.MILLISECONDS)));
        }
        ReplicationDialect known = this.primaryDialect;
        Mono<ReplicationDialect> dialect = known != null ? Mono.just(known)
                : ReplicationDialect.detect(connection).doOnNext(detected -> this.primaryDialect = detected);
        return dialect.flatMap(d -> d.lastWritePosition(connection))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .onErrorResume(error -> {
                    logger.debug("Reading the write position failed; falling back to a time window: {}",
                            describe(error));
                    return Mono.just(Optional.empty());
                })
                .doOnNext(position -> session.recordWrite(position.orElse(null),
                        this.settings.scheduler.now(TimeUnit.MILLISECONDS)))
                .then();
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * @return the primary's metadata
     */
    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return this.primary.getMetadata();
    }

    /**
     * @return the primary {@link ConnectionFactory}
     */
    @Override
    public ConnectionFactory unwrap() {
        return this.primary;
    }

    /**
     * @return the primary {@link ConnectionFactory}
     */
    public ConnectionFactory primary() {
        return this.primary;
    }

    /**
     * @return the replicas in the order they were configured, with their current state; unmodifiable
     */
    public List<Replica> replicas() {
        return this.replicas;
    }

    private void startMonitors() {
        this.monitors.forEach(ReplicationMonitor::start);
    }

    /**
     * Stop the replication monitors and close the connection pools that this router built from URLs or options.
     * Factories passed in as {@link ConnectionFactory} objects belong to the caller and stay open. Connections
     * already handed out can still be closed normally. Further {@code create()} calls emit an
     * {@link IllegalStateException}. Safe to call more than once: only the first subscription closes anything.
     *
     * @return a {@code Mono} that completes when the pools are closed
     */
    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> {
            if (!CLOSED.compareAndSet(this, 0, 1)) {
                return Mono.empty();
            }
            logger.debug("Closing {} pool(s) owned by {}", this.owned.size(), this);
            this.monitors.forEach(ReplicationMonitor::dispose);
            return Flux.fromIterable(this.owned).concatMapDelayError(Closeable::close).then();
        });
    }

    /**
     * Close as {@link #close()} does, and wait for it.
     */
    @Override
    public void dispose() {
        close().block();
    }

    @Override
    public boolean isDisposed() {
        return this.closed != 0;
    }

    @Override
    public String toString() {
        return "RoutingConnectionFactory[replicas="
                + this.replicas.stream().map(Replica::name).collect(Collectors.joining(", ", "[", "]"))
                + ", replicaSelection=" + this.selector + ", fallbackToPrimary=" + this.fallbackToPrimary
                + ", readYourWrites=" + this.settings.readYourWrites + "]";
    }

    /**
     * The settings of health, failover and read-your-writes, as the builder collected them.
     */
    private record Settings(boolean monitoring, Duration monitorInterval, Duration monitorTimeout, HealthPolicy health,
            ReadYourWrites readYourWrites, Duration readYourWritesTimeout, Duration readYourWritesWindow,
            @Nullable ReplicationDialect dialect, Scheduler scheduler) {
    }

    /**
     * Builds a {@link RoutingConnectionFactory}. Targets given as {@link ConnectionFactory} objects (usually r2dbc-pool
     * {@link ConnectionPool}s) are used as they are and stay the caller's to close. Targets given as R2DBC URLs or
     * {@link ConnectionFactoryOptions} get a {@link ConnectionPool} that the router builds, configures with
     * {@link #pool(Consumer)} and closes in {@link RoutingConnectionFactory#close()}.
     */
    public static final class Builder {

        private @Nullable Target primary;

        private final Map<String, Target> replicas = new LinkedHashMap<>();

        private Consumer<ConnectionPoolConfiguration.Builder> pool = pool -> { };

        private ReplicaSelector replicaSelection = ReplicaSelector.roundRobin();

        private boolean fallbackToPrimary = true;

        private boolean monitoring = true;

        private Duration monitorInterval = Duration.ofSeconds(1);

        private Duration monitorTimeout = Duration.ofSeconds(2);

        private Duration maxLag = Duration.ofSeconds(5);

        private Duration failoverBackoff = Duration.ofSeconds(1);

        private Duration maxFailoverBackoff = Duration.ofSeconds(30);

        private ReadYourWrites readYourWrites = ReadYourWrites.GTID;

        private Duration readYourWritesTimeout = Duration.ofSeconds(1);

        private Duration readYourWritesWindow = Duration.ofSeconds(2);

        private @Nullable ReplicationDialect dialect;

        private @Nullable Scheduler scheduler;

        private Builder() {
        }

        /**
         * Use {@code connectionFactory} for the primary. The caller keeps ownership and closes it.
         *
         * @param connectionFactory the primary's factory, usually a {@link ConnectionPool}
         * @return this builder
         * @throws IllegalArgumentException if {@code connectionFactory} is {@code null}
         */
        public Builder primary(ConnectionFactory connectionFactory) {
            this.primary = Target.of(PRIMARY, requireNonNull(connectionFactory, "primary connectionFactory"));
            return this;
        }

        /**
         * Build a pool from {@code options} for the primary.
         *
         * @param options the primary's connection options; a {@code pool} driver is used as it is
         * @return this builder
         * @throws IllegalArgumentException if {@code options} is {@code null}
         */
        public Builder primary(ConnectionFactoryOptions options) {
            this.primary = Target.of(PRIMARY, requireNonNull(options, "primary options"));
            return this;
        }

        /**
         * Build a pool from an R2DBC URL for the primary.
         *
         * @param url for example {@code r2dbc:mysql://user@host:3306/database}
         * @return this builder
         * @throws IllegalArgumentException if {@code url} is {@code null} or malformed
         */
        public Builder primary(String url) {
            return primary(parse(PRIMARY, url));
        }

        /**
         * Add a replica that uses {@code connectionFactory}. The caller keeps ownership and closes it.
         *
         * @param name a unique name, used in logs and errors, for example {@code replica-1}
         * @param connectionFactory the replica's factory, usually a {@link ConnectionPool}
         * @return this builder
         * @throws IllegalArgumentException if an argument is {@code null} or the name or factory is already used
         */
        public Builder replica(String name, ConnectionFactory connectionFactory) {
            return addReplica(Target.of(requireName(name), requireNonNull(connectionFactory, "connectionFactory")));
        }

        /**
         * Add a replica and build its pool from {@code options}.
         *
         * @param name a unique name, used in logs and errors, for example {@code replica-1}
         * @param options the replica's connection options; a {@code pool} driver is used as it is
         * @return this builder
         * @throws IllegalArgumentException if an argument is {@code null} or the name is already used
         */
        public Builder replica(String name, ConnectionFactoryOptions options) {
            return addReplica(Target.of(requireName(name), requireNonNull(options, "options")));
        }

        /**
         * Add a replica and build its pool from an R2DBC URL.
         *
         * @param name a unique name, used in logs and errors, for example {@code replica-1}
         * @param url for example {@code r2dbc:mysql://user@host:3306/database}
         * @return this builder
         * @throws IllegalArgumentException if an argument is {@code null}, the URL is malformed or the name is
         * already used
         */
        public Builder replica(String name, String url) {
            return replica(name, parse(requireName(name), url));
        }

        /**
         * Set the weight of a replica added before, for {@link ReplicaSelector#weighted()}. Defaults to {@code 1}.
         *
         * @param name the replica's name
         * @param weight a positive relative weight
         * @return this builder
         * @throws IllegalArgumentException if no replica has that name or {@code weight} is not positive
         */
        public Builder weight(String name, int weight) {
            Target target = this.replicas.get(name);
            if (target == null) {
                throw new IllegalArgumentException("Cannot set the weight of '" + name
                        + "': no replica has that name; add it with replica(name, ...) first");
            }
            if (weight <= 0) {
                throw new IllegalArgumentException("weight of replica '" + name + "' must be positive, was "
                        + weight);
            }
            target.weight = weight;
            return this;
        }

        /**
         * Configure every pool that the router builds from URLs or options: size, idle time, acquire timeout,
         * validation. r2dbc-pool's defaults apply to what is not set ({@code initialSize} and {@code maxSize} 10).
         *
         * @param customizer applied to each pool's configuration builder
         * @return this builder
         * @throws IllegalArgumentException if {@code customizer} is {@code null}
         */
        public Builder pool(Consumer<ConnectionPoolConfiguration.Builder> customizer) {
            this.pool = requireNonNull(customizer, "pool customizer");
            return this;
        }

        /**
         * Configure the pool of one target, after the settings of {@link #pool(Consumer)}.
         *
         * @param name {@link RoutingConnectionFactory#PRIMARY} or the name of a replica added before
         * @param customizer applied to that pool's configuration builder
         * @return this builder
         * @throws IllegalArgumentException if an argument is {@code null} or no target has that name
         */
        public Builder pool(String name, Consumer<ConnectionPoolConfiguration.Builder> customizer) {
            Target target = PRIMARY.equals(name) ? this.primary : this.replicas.get(name);
            if (target == null) {
                throw new IllegalArgumentException("Cannot configure the pool of '" + name
                        + "': no target has that name; configure primary(...) or replica(name, ...) first");
            }
            target.pool = requireNonNull(customizer, "pool customizer");
            return this;
        }

        /**
         * Choose how a replica is picked for each replica-routed connection. Defaults to
         * {@link ReplicaSelector#roundRobin()}.
         *
         * @param replicaSelection the selector
         * @return this builder
         * @throws IllegalArgumentException if {@code replicaSelection} is {@code null}
         */
        public Builder replicaSelection(ReplicaSelector replicaSelection) {
            this.replicaSelection = requireNonNull(replicaSelection, "replicaSelection");
            return this;
        }

        /**
         * Choose a built-in selector by name, as {@link ReplicaSelector#named(String)} does.
         *
         * @param replicaSelection {@code round-robin}, {@code random}, {@code weighted} or {@code least-in-use}
         * @return this builder
         * @throws IllegalArgumentException if the name is unknown
         */
        public Builder replicaSelection(String replicaSelection) {
            this.replicaSelection = ReplicaSelector.named(replicaSelection);
            return this;
        }

        /**
         * Whether a replica-routed {@code create()} that finds no replica uses the primary ({@code true}) or emits
         * a {@link NoReplicaAvailableException} ({@code false}). Defaults to {@code true}.
         *
         * @param fallbackToPrimary whether to fall back to the primary
         * @return this builder
         */
        public Builder fallbackToPrimary(boolean fallbackToPrimary) {
            this.fallbackToPrimary = fallbackToPrimary;
            return this;
        }

        /**
         * Whether to watch each replica's health and lag in the background, on a connection of its own. Defaults
         * to {@code true}. Without monitoring, a replica is still taken out of rotation when it fails to hand out a
         * connection, and put back after its backoff.
         * <p>
         * The replicas' user needs the right to read the replication status: {@code SLAVE MONITOR} on MariaDB
         * 10.5+, {@code REPLICATION CLIENT} on MySQL.
         *
         * @param monitoring whether to monitor
         * @return this builder
         */
        public Builder monitoring(boolean monitoring) {
            this.monitoring = monitoring;
            return this;
        }

        /**
         * How often each replica is probed. Defaults to {@code 1s}.
         *
         * @param monitorInterval a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code monitorInterval} is {@code null} or not positive
         */
        public Builder monitorInterval(Duration monitorInterval) {
            this.monitorInterval = requirePositive(monitorInterval, "monitorInterval");
            return this;
        }

        /**
         * How long one probe (connect and query) may take before the replica counts as unreachable. Defaults to
         * {@code 2s}.
         *
         * @param monitorTimeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code monitorTimeout} is {@code null} or not positive
         */
        public Builder monitorTimeout(Duration monitorTimeout) {
            this.monitorTimeout = requirePositive(monitorTimeout, "monitorTimeout");
            return this;
        }

        /**
         * How far a replica may be behind the primary and still receive reads. Defaults to {@code 5s}.
         *
         * @param maxLag a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code maxLag} is {@code null} or not positive
         */
        public Builder maxLag(Duration maxLag) {
            this.maxLag = requirePositive(maxLag, "maxLag");
            return this;
        }

        /**
         * How long a replica that failed rests before it is tried again, doubled at each further failure up to
         * {@link #maxFailoverBackoff(Duration)}. Defaults to {@code 1s}.
         *
         * @param failoverBackoff a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code failoverBackoff} is {@code null} or not positive
         */
        public Builder failoverBackoff(Duration failoverBackoff) {
            this.failoverBackoff = requirePositive(failoverBackoff, "failoverBackoff");
            return this;
        }

        /**
         * The longest rest of a failed replica. Defaults to {@code 30s}.
         *
         * @param maxFailoverBackoff a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code maxFailoverBackoff} is {@code null} or not positive
         */
        public Builder maxFailoverBackoff(Duration maxFailoverBackoff) {
            this.maxFailoverBackoff = requirePositive(maxFailoverBackoff, "maxFailoverBackoff");
            return this;
        }

        /**
         * How a {@link RoutingSession}'s replica reads see its own writes. Defaults to {@link ReadYourWrites#GTID}.
         *
         * @param readYourWrites the strategy
         * @return this builder
         * @throws IllegalArgumentException if {@code readYourWrites} is {@code null}
         */
        public Builder readYourWrites(ReadYourWrites readYourWrites) {
            this.readYourWrites = requireNonNull(readYourWrites, "readYourWrites");
            return this;
        }

        /**
         * How long a read after a write may wait for a replica to apply the write before it goes to the primary
         * instead ({@link ReadYourWrites#GTID}). Defaults to {@code 1s}.
         *
         * @param readYourWritesTimeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code readYourWritesTimeout} is {@code null} or not positive
         */
        public Builder readYourWritesTimeout(Duration readYourWritesTimeout) {
            this.readYourWritesTimeout = requirePositive(readYourWritesTimeout, "readYourWritesTimeout");
            return this;
        }

        /**
         * How long after a write a session reads from the primary ({@link ReadYourWrites#TIME_WINDOW}, and GTID
         * servers that report no position). Defaults to {@code 2s}.
         *
         * @param readYourWritesWindow a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code readYourWritesWindow} is {@code null} or not positive
         */
        public Builder readYourWritesWindow(Duration readYourWritesWindow) {
            this.readYourWritesWindow = requirePositive(readYourWritesWindow, "readYourWritesWindow");
            return this;
        }

        /**
         * The SQL dialect of every target. Defaults to asking each server ({@link ReplicationDialect#detect}).
         *
         * @param dialect the dialect
         * @return this builder
         * @throws IllegalArgumentException if {@code dialect} is {@code null}
         */
        public Builder dialect(ReplicationDialect dialect) {
            this.dialect = requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * The scheduler of the monitors' timers and of backoffs. Defaults to {@link Schedulers#parallel()}.
         *
         * @param scheduler the scheduler
         * @return this builder
         * @throws IllegalArgumentException if {@code scheduler} is {@code null}
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Build the router, and the pools of the targets given as URLs or options.
         *
         * @return a new router
         * @throws IllegalStateException if no primary is configured
         * @throws IllegalArgumentException if a target's driver cannot be found
         */
        public RoutingConnectionFactory build() {
            Target primaryTarget = this.primary;
            if (primaryTarget == null) {
                throw new IllegalStateException("No primary is configured: call primary(...) before build()");
            }
            List<Closeable> owned = new ArrayList<>();
            try {
                ConnectionFactory primaryFactory = primaryTarget.open(this.pool, owned);
                List<Replica> replicaList = new ArrayList<>(this.replicas.size());
                for (Target target : this.replicas.values()) {
                    ConnectionFactory factory = target.open(this.pool, owned);
                    if (factory == primaryFactory) {
                        throw new IllegalArgumentException("Replica '" + target.name
                                + "' uses the primary's ConnectionFactory; each target needs its own");
                    }
                    replicaList.add(new Replica(target.name, factory, target.weight));
                }
                if (replicaList.isEmpty() && !this.fallbackToPrimary) {
                    logger.warn("No replica is configured and fallbackToPrimary=false: every replica-routed "
                            + "create() will fail");
                }
                if (this.maxFailoverBackoff.compareTo(this.failoverBackoff) < 0) {
                    throw new IllegalArgumentException("maxFailoverBackoff (" + this.maxFailoverBackoff
                            + ") must not be shorter than failoverBackoff (" + this.failoverBackoff + ")");
                }
                Settings settings = new Settings(this.monitoring, this.monitorInterval, this.monitorTimeout,
                        new HealthPolicy(this.maxLag, this.failoverBackoff, this.maxFailoverBackoff),
                        this.readYourWrites, this.readYourWritesTimeout, this.readYourWritesWindow, this.dialect,
                        this.scheduler != null ? this.scheduler : Schedulers.parallel());
                RoutingConnectionFactory router = new RoutingConnectionFactory(primaryFactory,
                        Collections.unmodifiableList(replicaList), this.replicaSelection, this.fallbackToPrimary,
                        settings, Collections.unmodifiableList(owned));
                router.startMonitors();
                logger.debug("Built {}", router);
                return router;
            }
            catch (RuntimeException ex) {
                Flux.fromIterable(owned).concatMapDelayError(Closeable::close).onErrorComplete().subscribe();
                throw ex;
            }
        }

        private Builder addReplica(Target target) {
            if (PRIMARY.equals(target.name)) {
                throw new IllegalArgumentException("'" + PRIMARY + "' is the primary's name; choose another name "
                        + "for the replica");
            }
            if (this.replicas.containsKey(target.name)) {
                throw new IllegalArgumentException("Duplicate replica name '" + target.name
                        + "': each replica needs its own name");
            }
            if (target.factory != null) {
                for (Target other : this.replicas.values()) {
                    if (other.factory == target.factory) {
                        throw new IllegalArgumentException("Replica '" + target.name
                                + "' uses the same ConnectionFactory as replica '" + other.name
                                + "'; each target needs its own");
                    }
                }
            }
            this.replicas.put(target.name, target);
            return this;
        }

        private static ConnectionFactoryOptions parse(String target, String url) {
            requireNonNull(url, "URL of " + target);
            try {
                return ConnectionFactoryOptions.parse(url);
            }
            catch (RuntimeException ex) {
                // The driver's message repeats the URL, password included: do not chain it.
                throw new IllegalArgumentException("Malformed R2DBC URL for '" + target + "': "
                        + Masking.url(url) + "; expected r2dbc:driver://user@host:port/database");
            }
        }

        private static Duration requirePositive(@Nullable Duration duration, String what) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + duration);
            }
            return duration;
        }

        private static String requireName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("replica name must not be null or blank");
            }
            return name;
        }

        private static <T> T requireNonNull(@Nullable T value, String what) {
            if (value == null) {
                throw new IllegalArgumentException(what + " must not be null");
            }
            return value;
        }
    }

    /**
     * A target as configured in the builder: a caller's factory, or options for a pool the router builds.
     */
    private static final class Target {

        final String name;

        final @Nullable ConnectionFactory factory;

        final @Nullable ConnectionFactoryOptions options;

        int weight = 1;

        @Nullable Consumer<ConnectionPoolConfiguration.Builder> pool;

        private Target(String name, @Nullable ConnectionFactory factory, @Nullable ConnectionFactoryOptions options) {
            this.name = name;
            this.factory = factory;
            this.options = options;
        }

        static Target of(String name, ConnectionFactory factory) {
            return new Target(name, factory, null);
        }

        static Target of(String name, ConnectionFactoryOptions options) {
            return new Target(name, null, options);
        }

        ConnectionFactory open(Consumer<ConnectionPoolConfiguration.Builder> defaults, List<Closeable> owned) {
            if (this.factory != null) {
                return this.factory;
            }
            ConnectionFactoryOptions targetOptions = this.options;
            ConnectionFactory driver;
            try {
                driver = ConnectionFactories.get(targetOptions);
            }
            catch (IllegalStateException ex) {
                throw new IllegalArgumentException("No R2DBC driver for '" + this.name + "' (driver "
                        + targetOptions.getValue(ConnectionFactoryOptions.DRIVER) + "): add the driver to the "
                        + "classpath or fix the URL", ex);
            }
            if (driver instanceof ConnectionPool pool) {
                owned.add(pool);
                return pool;
            }
            ConnectionPoolConfiguration.Builder configuration = ConnectionPoolConfiguration.builder(driver)
                    .name(this.name);
            defaults.accept(configuration);
            if (this.pool != null) {
                this.pool.accept(configuration);
            }
            ConnectionPool pool = new ConnectionPool(configuration.build());
            owned.add(pool);
            return pool;
        }
    }
}
