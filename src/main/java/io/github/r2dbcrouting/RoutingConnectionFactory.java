package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;

import io.github.r2dbcrouting.replica.Replica;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Closeable;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.ContextView;

/**
 * A {@link ConnectionFactory} that hands out connections of a primary or of one of its replicas, chosen from the
 * route in the subscriber's Reactor Context (see {@link Routing}).
 * <p>
 * {@link #create()} reads the route when it is subscribed, picks a target and delegates to it. Without a route
 * (and with the default {@link RoutingConfiguration.Builder#defaultRoute(Route) defaultRoute}) and on the primary
 * route, the connection returned is the primary's own, so closing it releases it to its pool. A replica route goes
 * to a replica chosen by the configured selector; when no replica is UP it goes to the primary, unless
 * {@link RoutingConfiguration.Builder#fallbackToPrimary(boolean) fallbackToPrimary} is {@code false}, in which case
 * {@code create()} emits a {@link NoReplicaAvailableException}. The replica connection is handed out inside a
 * connection that looks at each unit of work before it is sent: a write, a locking read or a read-write transaction
 * runs on the primary instead (or fails, see {@link WritesOnReplicaRoute}), so a replica never receives one. On the
 * {@link Route#AUTO auto route} the connection has no server until its first unit of work chooses one.
 * <p>
 * The configuration's primary and replicas are the default cluster. Under {@link Routing#withCluster(String)}, the
 * connection comes from the named cluster instead: a static one of the configuration, or one that a
 * {@link io.github.r2dbcrouting.cluster.ClusterResolver} describes or an R2DBC URL names, opened on first use and
 * kept among at most {@link RoutingConfiguration#getMaxClusters() maxClusters} (see {@link #cluster(String)}).
 * <pre class="code">
 * RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder()
 *     .primary("r2dbc:mysql://app@db-primary:3306/shop")
 *     .replica("replica-1", "r2dbc:mysql://app@db-replica-1:3306/shop")
 *     .replica("replica-2", "r2dbc:mysql://app@db-replica-2:3306/shop")
 *     .pool(pool -&gt; pool.maxSize(20))
 *     .build());
 * </pre>
 */
public final class RoutingConnectionFactory
        implements ConnectionFactory, Closeable, Disposable, Wrapped<ConnectionFactory> {

    private static final Logger logger = Loggers.getLogger(RoutingConnectionFactory.class);

    private static final String DEFAULT_ROUTE_ORIGIN = "RoutingConfiguration defaultRoute";

    private static final AtomicIntegerFieldUpdater<RoutingConnectionFactory> CLOSED =
            AtomicIntegerFieldUpdater.newUpdater(RoutingConnectionFactory.class, "closed");

    private static final AtomicIntegerFieldUpdater<RoutingConnectionFactory> PRIMARY_DOWN =
            AtomicIntegerFieldUpdater.newUpdater(RoutingConnectionFactory.class, "primaryDown");

    private final RoutingConfiguration configuration;

    private final ConnectionFactory primary;

    private final ReplicaSet replicas;

    private final ReadAfterWrite readAfterWrite;

    private final TargetPools pools;

    private final List<ReplicationMonitor> monitors;

    private final Mono<Connection> create;

    private final Mono<Connection> primaryConnection;

    private final @Nullable Duration replicaStatementTimeout;

    /**
     * The route of a {@code create()} whose Context has none; {@code null} for the primary, which needs no wrapper.
     */
    private final @Nullable ContextRoute defaultRoute;

    private volatile @Nullable IsolationLevel isolationLevelSeen;

    private final LongAdder primaryHandedOut = new LongAdder();

    /**
     * The other clusters; {@code null} in a router that is itself one cluster of another.
     */
    private final @Nullable ClusterRegistry clusters;

    private volatile int closed;

    private volatile int primaryDown;

    /**
     * Open the targets of {@code configuration}: build the pools of the targets given as URLs or options, and start
     * monitoring the replicas.
     *
     * @param configuration what to route to and how
     * @throws IllegalArgumentException if {@code configuration} is {@code null}, or a target's driver cannot be found
     * or refuses its options
     */
    public RoutingConnectionFactory(RoutingConfiguration configuration) {
        this(configuration, false);
    }

    /**
     * @param cluster whether this router is one cluster of another, which chose it: it then ignores the cluster key
     */
    RoutingConnectionFactory(RoutingConfiguration configuration, boolean cluster) {
        if (configuration == null) {
            throw new IllegalArgumentException("configuration must not be null");
        }
        this.configuration = configuration;
        this.pools = new TargetPools(configuration);
        try {
            this.primary = this.pools.open(configuration.getPrimary());
            List<ReplicaTarget> targets = new ArrayList<>();
            for (RoutingConfiguration.Target target : configuration.getReplicas()) {
                targets.add(new ReplicaTarget(target.name(), this.pools.open(target), target.weight(), this,
                        configuration.getDialect()));
            }
            this.replicas = new ReplicaSet(targets, configuration.getReplicaSelection(),
                    new HealthPolicy(configuration.getMaxLag(), configuration.getFailoverBackoff(),
                            configuration.getMaxFailoverBackoff()),
                    configuration.isMonitoring(), configuration.getScheduler());
        }
        catch (RuntimeException ex) {
            this.pools.close().onErrorComplete().subscribe();
            throw ex;
        }
        this.readAfterWrite = new ReadAfterWrite(this, this.replicas, configuration, configuration.getScheduler());
        this.replicaStatementTimeout = configuration.getReplicaStatementTimeout();
        this.defaultRoute = configuration.getDefaultRoute() == Route.PRIMARY ? null
                : ContextRoute.of(configuration.getDefaultRoute(), null, DEFAULT_ROUTE_ORIGIN);
        this.create = RoutingMono.of(this);
        this.primaryConnection = new TargetMono(this, null);
        List<ReplicationMonitor> monitorList = new ArrayList<>();
        if (configuration.isMonitoring()) {
            for (ReplicaTarget replica : this.replicas.targets()) {
                monitorList.add(new ReplicationMonitor(replica, monitorFactory(replica.connectionFactory()),
                        configuration.getMonitorInterval(), configuration.getMonitorTimeout(),
                        configuration.getScheduler(), this.replicas));
            }
        }
        this.monitors = List.copyOf(monitorList);
        try {
            this.clusters = cluster ? null : ClusterRegistry.open(configuration);
        }
        catch (RuntimeException ex) {
            this.replicas.dispose();
            this.pools.close().onErrorComplete().subscribe();
            throw ex;
        }
        this.monitors.forEach(ReplicationMonitor::start);
        logger.debug("Built {}", this);
    }

    private static ConnectionFactory monitorFactory(ConnectionFactory replicaFactory) {
        // The monitor must not take a connection from the application's pool: it opens its own.
        return replicaFactory instanceof ConnectionPool pool ? pool.unwrap() : replicaFactory;
    }

    /**
     * Obtain a connection from the target that the subscriber's Context routes to.
     * <p>
     * The route is read at subscription, so the same {@code Mono} routes differently under different Contexts.
     * When a replica fails to hand out a connection, the same subscription fails over to the next {@code UP}
     * replica and then to the primary; the caller sees no error. On the auto route the connection is emitted at
     * once, and takes its server connection (with the same failover) when its first unit of work runs.
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
        ContextView context = actual.currentContext();
        ClusterRegistry others = this.clusters;
        if (others != null) {
            String cluster = Routing.currentCluster(context);
            if (cluster != null && others.route(cluster, actual, context)) {
                return;
            }
        }
        routeWithin(actual, Routing.read(context));
    }

    /**
     * Subscribe {@code actual} to the target of this router's own primary and replicas that {@code route} names.
     */
    void routeWithin(CoreSubscriber<? super Connection> actual, @Nullable ContextRoute route) {
        if (route == null) {
            ContextRoute byDefault = this.defaultRoute;
            if (byDefault == null) {
                this.primaryConnection.subscribe(actual);
                return;
            }
            route = byDefault;
        }
        else if (route.route == null && this.defaultRoute != null) {
            route = ContextRoute.of(this.configuration.getDefaultRoute(), route.session, DEFAULT_ROUTE_ORIGIN);
        }
        if (route.route == Route.REPLICA) {
            ContextRoute replicaRoute = route;
            replicaFor(route.session).map(connection -> (Connection) new StatementRoutedConnection(this, replicaRoute,
                    connection)).subscribe(actual);
            return;
        }
        if (route.route == Route.AUTO) {
            actual.onSubscribe(Operators.scalarSubscription(actual, new StatementRoutedConnection(this, route, null)));
            return;
        }
        primaryFor(route.session).subscribe(actual);
    }

    /**
     * @return a connection of the replica that a read of {@code session} goes to: caught up with its last write,
     * its sticky replica, or the selector's choice; the primary when none is UP and fallback is allowed
     */
    Mono<? extends Connection> replicaFor(@Nullable RoutingSession session) {
        LastWrite write = session != null ? session.lastWrite() : null;
        if (write != null && this.readAfterWrite.records(session)) {
            return this.readAfterWrite.read(session, write);
        }
        ReplicaTarget replica = this.replicas.choose(session);
        return replica != null ? replica.connection : noReplica(session);
    }

    /**
     * A statement-routed connection moved its work from a replica to the primary.
     *
     * @param statement the statement (or the keyword of the call) that needed the primary
     */
    void escalated(ContextRoute route, String statement) {
        if (logger.isDebugEnabled()) {
            logger.debug("{} on route {} from {} runs on the primary; the connection stays there",
                    StatementClassifier.firstKeyword(statement), route.route, route.describeOrigin());
        }
    }

    /**
     * Remember the isolation level a server connection came with, which statement-routed connections report until
     * their first unit of work.
     */
    void sawIsolationLevel(IsolationLevel level) {
        if (this.isolationLevelSeen == null) {
            this.isolationLevelSeen = level;
        }
    }

    /**
     * @return the isolation level connections came with so far; MySQL's and MariaDB's default before any came
     */
    IsolationLevel isolationLevelSeen() {
        IsolationLevel level = this.isolationLevelSeen;
        return level != null ? level : IsolationLevel.REPEATABLE_READ;
    }

    /**
     * @return a primary connection that records the session's writes, if it has one that wants them recorded
     */
    Mono<? extends Connection> primaryFor(@Nullable RoutingSession session) {
        if (session == null || !this.readAfterWrite.records(session)) {
            return this.primaryConnection;
        }
        return this.primaryConnection.map(delegate -> new WriteRecordingConnection(delegate, session,
                this.readAfterWrite));
    }

    /**
     * @return where a replica read goes when no replica is UP: the primary, or an error
     */
    Mono<? extends Connection> noReplica(@Nullable RoutingSession session) {
        if (this.configuration.isFallbackToPrimary()) {
            if (logger.isDebugEnabled()) {
                logger.debug("{}; reading from primary because fallbackToPrimary=true", this.replicas.describe());
            }
            return primaryFor(session);
        }
        return Mono.error(new NoReplicaAvailableException(this.replicas.describe() + "; fallbackToPrimary=false, so "
                + "a replica-routed connection cannot be created. "
                + (this.replicas.isEmpty() ? "Add replicas with RoutingConfiguration.builder().replica(name, ...)"
                        : "Check the replicas") + " or allow fallbackToPrimary(true)"));
    }

    /**
     * Record that {@code failed} did not hand out a connection, and choose where the same subscription goes next.
     *
     * @return the next replica to try, or {@code null} when no other replica is UP
     */
    @Nullable
    ReplicaTarget failedOver(ReplicaTarget failed, Throwable error, @Nullable RoutingSession session) {
        return this.replicas.failedOver(failed, error, session);
    }

    ConnectionFactory primary() {
        return this.primary;
    }

    /**
     * @return {@code connection} from {@code replica} as the caller gets it: bounded in time if so configured
     */
    Connection handOut(Connection connection, ReplicaTarget replica) {
        replica.countHandOut();
        Duration timeout = this.replicaStatementTimeout;
        return timeout == null ? connection : new BoundedReplicaConnection(connection, replica, this.replicas,
                timeout, this.configuration.getScheduler());
    }

    /**
     * The primary did not hand out a connection: say so once in the log, and tell the caller what still works.
     *
     * @return the error for the caller
     */
    Throwable primaryFailed(Throwable error) {
        String replicaReads = this.replicas.readsWithoutPrimary(this.configuration.isFallbackToPrimary());
        if (PRIMARY_DOWN.compareAndSet(this, 0, 1)) {
            logger.warn("The primary stopped handing out connections: {}; writes fail until it is back; {}",
                    ReplicaSet.describe(error), replicaReads);
        }
        return PrimaryUnavailableException.of(error, replicaReads);
    }

    /**
     * The primary handed out a connection: if it had stopped, say once that it is back.
     */
    void primaryServed() {
        this.primaryHandedOut.increment();
        if (this.primaryDown != 0 && PRIMARY_DOWN.compareAndSet(this, 1, 0)) {
            logger.info("The primary hands out connections again");
        }
    }

    /**
     * Count the connections the primary handed out so far.
     *
     * @return how many connections the primary has handed out to callers since this router was built
     */
    public long primaryHandedOut() {
        return this.primaryHandedOut.sum();
    }

    /**
     * Tell whether the primary is failing, as the traffic last saw it.
     *
     * @return {@code true} from the moment the primary fails to hand out a connection until it hands one out again
     */
    public boolean primaryFailing() {
        return this.primaryDown != 0;
    }

    /**
     * @return the configuration this router was built from
     */
    public RoutingConfiguration configuration() {
        return this.configuration;
    }

    /**
     * A {@link ConnectionFactory} bound to one cluster of this router: its {@code create()} is this router's under
     * {@link Routing#withCluster(String) withCluster(name)}, whatever cluster the caller's Context chose; the route
     * still chooses the server within the cluster. Give it to a second {@code R2dbcEntityTemplate}, a repository
     * group or a transaction manager of its own: Spring binds a transaction's connection under the factory, so each
     * cluster's transactions need their own factory. Views of the same name are equal. Closing is the router's job.
     * <pre class="code">
     * ConnectionFactory analytics = router.cluster("analytics");
     * R2dbcEntityTemplate analyticsTemplate = new R2dbcEntityTemplate(analytics);
     * </pre>
     *
     * @param name a static cluster, {@link RoutingConfiguration#DEFAULT_CLUSTER}, an R2DBC URL, or a name for the
     * configured {@link io.github.r2dbcrouting.cluster.ClusterResolver}
     * @return a factory whose connections come from that cluster
     * @throws IllegalArgumentException if {@code name} is blank, or no cluster can have that name
     * @throws IllegalStateException if this router is itself one cluster of another
     */
    public ConnectionFactory cluster(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("cluster name must not be null or blank");
        }
        ClusterRegistry others = this.clusters;
        if (others == null) {
            throw new IllegalStateException("This router is one cluster of another; ask that router for clusters");
        }
        if (!others.mayServe(name)) {
            throw new IllegalArgumentException("No cluster is named '" + name + "': the static clusters are "
                    + this.configuration.getClusters().keySet() + " and no clusterResolver is configured; add it with "
                    + "RoutingConfiguration.builder().cluster(name, ...) or configure a clusterResolver");
        }
        return new ClusterView(this, name);
    }

    /**
     * @return this router's other clusters
     */
    @Nullable
    ClusterRegistry clusters() {
        return this.clusters;
    }

    /**
     * @return the primary's metadata
     */
    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return this.primary.getMetadata();
    }

    /**
     * @return the primary's {@link ConnectionFactory}: the caller's, or the pool the router built
     */
    @Override
    public ConnectionFactory unwrap() {
        return this.primary;
    }

    /**
     * @return the replicas in the order they were configured, as live read-only views; unmodifiable
     */
    public List<Replica> replicas() {
        return this.replicas.all();
    }

    /**
     * The factory a replica's connections come from: the caller's, or the pool the router built.
     *
     * @param name the replica's name
     * @return its factory
     * @throws IllegalArgumentException if no replica has that name
     */
    public ConnectionFactory replicaConnectionFactory(String name) {
        for (ReplicaTarget target : this.replicas.targets()) {
            if (target.name().equals(name)) {
                return target.connectionFactory();
            }
        }
        throw new IllegalArgumentException("No replica is named '" + name + "'; the replicas are "
                + this.replicas);
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
            logger.debug("Closing {} pool(s) owned by {}", this.pools.size(), this);
            this.monitors.forEach(ReplicationMonitor::dispose);
            this.replicas.dispose();
            ClusterRegistry others = this.clusters;
            return others == null ? this.pools.close() : Mono.when(this.pools.close(), others.close());
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
        return "RoutingConnectionFactory[replicas=" + this.replicas + ", replicaSelection="
                + this.configuration.getReplicaSelection() + ", fallbackToPrimary="
                + this.configuration.isFallbackToPrimary() + ", readYourWrites="
                + this.configuration.getReadYourWrites() + "]";
    }
}
