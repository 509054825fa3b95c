package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.github.r2dbcrouting.cluster.ClusterResolver;
import io.github.r2dbcrouting.dialect.ReplicationDialect;
import io.github.r2dbcrouting.internal.Masking;
import io.github.r2dbcrouting.internal.R2dbcUrls;
import io.github.r2dbcrouting.replica.ReplicaSelector;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * What a {@link RoutingConnectionFactory} routes to and how: the primary and the replicas, replica selection,
 * health monitoring, failover and read-your-writes. Immutable; build it with {@link #builder()} and pass it to
 * {@link RoutingConnectionFactory#RoutingConnectionFactory(RoutingConfiguration)}, which opens the pools.
 * <pre class="code">
 * RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder()
 *     .primary("r2dbc:mysql://app@db-primary:3306/shop")
 *     .replica("replica-1", "r2dbc:mysql://app@db-replica-1:3306/shop")
 *     .replica("replica-2", "r2dbc:mysql://app@db-replica-2:3306/shop")
 *     .pool(pool -&gt; pool.maxSize(20))
 *     .build());
 * </pre>
 */
public final class RoutingConfiguration {

    /**
     * The target name of the primary, usable with {@link Builder#pool(String, Consumer)}.
     */
    public static final String PRIMARY = "primary";

    /**
     * The name of the default cluster: the primary and replicas of this configuration, used when no
     * {@link Routing#withCluster(String)} chose another.
     */
    public static final String DEFAULT_CLUSTER = "default";

    private static final Logger logger = Loggers.getLogger(RoutingConfiguration.class);

    private static final int DEFAULT_MAX_CLUSTERS = 16;

    private final Target primary;

    private final List<Target> replicas;

    private final Consumer<ConnectionPoolConfiguration.Builder> pool;

    private final ReplicaSelector replicaSelection;

    private final boolean fallbackToPrimary;

    private final Route defaultRoute;

    private final WritesOnReplicaRoute writesOnReplicaRoute;

    private final boolean monitoring;

    private final Duration monitorInterval;

    private final Duration monitorTimeout;

    private final Duration maxLag;

    private final Duration failoverBackoff;

    private final Duration maxFailoverBackoff;

    private final ReadYourWrites readYourWrites;

    private final Duration readYourWritesTimeout;

    private final Duration readYourWritesWindow;

    private final int maxReadYourWritesWaits;

    private final @Nullable Duration replicaStatementTimeout;

    private final Duration releaseTimeout;

    private final @Nullable ReplicationDialect dialect;

    private final Scheduler scheduler;

    private final Map<String, RoutingConfiguration> clusters;

    private final @Nullable ClusterResolver clusterResolver;

    private final int maxClusters;

    private RoutingConfiguration(Builder builder, Target primary, Map<String, RoutingConfiguration> clusters) {
        this.primary = primary;
        this.replicas = Collections.unmodifiableList(new ArrayList<>(builder.replicas.values()));
        this.pool = builder.pool;
        this.replicaSelection = builder.replicaSelection;
        this.fallbackToPrimary = builder.fallbackToPrimary;
        this.defaultRoute = builder.defaultRoute;
        this.writesOnReplicaRoute = builder.writesOnReplicaRoute;
        this.monitoring = builder.monitoring;
        this.monitorInterval = builder.monitorInterval;
        this.monitorTimeout = builder.monitorTimeout;
        this.maxLag = builder.maxLag;
        this.failoverBackoff = builder.failoverBackoff;
        this.maxFailoverBackoff = builder.maxFailoverBackoff;
        this.readYourWrites = builder.readYourWrites;
        this.readYourWritesTimeout = builder.readYourWritesTimeout;
        this.readYourWritesWindow = builder.readYourWritesWindow;
        this.maxReadYourWritesWaits = builder.maxReadYourWritesWaits;
        this.replicaStatementTimeout = builder.replicaStatementTimeout;
        this.releaseTimeout = builder.releaseTimeout;
        this.dialect = builder.dialect;
        this.scheduler = builder.scheduler != null ? builder.scheduler : Schedulers.parallel();
        this.clusters = clusters;
        this.clusterResolver = builder.clusterResolver;
        this.maxClusters = builder.maxClusters;
    }

    /**
     * Start building a configuration.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the primary
     */
    public Target getPrimary() {
        return this.primary;
    }

    /**
     * @return the replicas in the order they were added; unmodifiable
     */
    public List<Target> getReplicas() {
        return this.replicas;
    }

    /**
     * @return how a replica is picked for each replica-routed connection
     */
    public ReplicaSelector getReplicaSelection() {
        return this.replicaSelection;
    }

    /**
     * @return whether a replica-routed connection falls back to the primary when no replica is UP
     */
    public boolean isFallbackToPrimary() {
        return this.fallbackToPrimary;
    }

    /**
     * @return whether replicas are monitored in the background
     */
    public boolean isMonitoring() {
        return this.monitoring;
    }

    /**
     * @return the route of a {@code create()} whose Context sets none
     */
    public Route getDefaultRoute() {
        return this.defaultRoute;
    }

    /**
     * @return what a replica-routed connection does with a unit of work a replica cannot run
     */
    public WritesOnReplicaRoute getWritesOnReplicaRoute() {
        return this.writesOnReplicaRoute;
    }

    /**
     * @return how often each replica is probed
     */
    public Duration getMonitorInterval() {
        return this.monitorInterval;
    }

    /**
     * @return how long one probe may take
     */
    public Duration getMonitorTimeout() {
        return this.monitorTimeout;
    }

    /**
     * @return how far a replica may be behind the primary and still receive reads
     */
    public Duration getMaxLag() {
        return this.maxLag;
    }

    /**
     * @return the first rest of a failed replica
     */
    public Duration getFailoverBackoff() {
        return this.failoverBackoff;
    }

    /**
     * @return the longest rest of a failed replica
     */
    public Duration getMaxFailoverBackoff() {
        return this.maxFailoverBackoff;
    }

    /**
     * @return how a session's replica reads see its own writes
     */
    public ReadYourWrites getReadYourWrites() {
        return this.readYourWrites;
    }

    /**
     * @return how long a read after a write may wait for a replica to apply it
     */
    public Duration getReadYourWritesTimeout() {
        return this.readYourWritesTimeout;
    }

    /**
     * @return how long after a write a session reads from the primary when positions are unknown
     */
    public Duration getReadYourWritesWindow() {
        return this.readYourWritesWindow;
    }

    /**
     * @return how many read-your-writes waits may hold a replica connection at once
     */
    public int getMaxReadYourWritesWaits() {
        return this.maxReadYourWritesWaits;
    }

    /**
     * @return how long a statement on a replica connection may stay silent, or {@code null} for no bound
     */
    public @Nullable Duration getReplicaStatementTimeout() {
        return this.replicaStatementTimeout;
    }

    /**
     * @return how long a pool the router built may take to reset a released connection before closing it
     */
    public Duration getReleaseTimeout() {
        return this.releaseTimeout;
    }

    /**
     * @return the dialect of every target, or {@code null} to ask each server
     */
    public @Nullable ReplicationDialect getDialect() {
        return this.dialect;
    }

    /**
     * @return the scheduler of the monitors' timers and of backoffs
     */
    public Scheduler getScheduler() {
        return this.scheduler;
    }

    /**
     * @return the static clusters by name, in the order they were configured, each with the shared settings it did
     * not change; unmodifiable, empty when none is configured
     */
    public Map<String, RoutingConfiguration> getClusters() {
        return this.clusters;
    }

    /**
     * @return the resolver of dynamic clusters, or {@code null} if none is configured
     */
    public @Nullable ClusterResolver getClusterResolver() {
        return this.clusterResolver;
    }

    /**
     * @return how many dynamic clusters (resolved or named by URL) may be open at once
     */
    public int getMaxClusters() {
        return this.maxClusters;
    }

    /**
     * @return the settings applied to every pool the router builds
     */
    Consumer<ConnectionPoolConfiguration.Builder> getPool() {
        return this.pool;
    }

    @Override
    public String toString() {
        return "RoutingConfiguration[primary=" + this.primary + ", replicas=" + this.replicas + ", replicaSelection="
                + this.replicaSelection + ", fallbackToPrimary=" + this.fallbackToPrimary + ", defaultRoute="
                + this.defaultRoute + ", writesOnReplicaRoute=" + this.writesOnReplicaRoute + ", monitoring="
                + this.monitoring + ", readYourWrites=" + this.readYourWrites
                + (this.clusters.isEmpty() ? "" : ", clusters=" + this.clusters.keySet())
                + (this.clusterResolver == null ? "" : ", maxClusters=" + this.maxClusters) + "]";
    }

    /**
     * One target, as configured: a factory of the caller's, or the options of a pool that the router builds. Its
     * {@code toString()} names the target and how it is given, never its options (they may carry a password).
     */
    public static final class Target {

        private final String name;

        private final @Nullable ConnectionFactory connectionFactory;

        private final @Nullable ConnectionFactoryOptions options;

        private final int weight;

        private final @Nullable Consumer<ConnectionPoolConfiguration.Builder> pool;

        private Target(String name, @Nullable ConnectionFactory connectionFactory,
                @Nullable ConnectionFactoryOptions options, int weight,
                @Nullable Consumer<ConnectionPoolConfiguration.Builder> pool) {
            this.name = name;
            this.connectionFactory = connectionFactory;
            this.options = options;
            this.weight = weight;
            this.pool = pool;
        }

        static Target of(String name, ConnectionFactory connectionFactory) {
            return new Target(name, connectionFactory, null, 1, null);
        }

        static Target of(String name, ConnectionFactoryOptions options) {
            return new Target(name, null, options, 1, null);
        }

        Target withWeight(int newWeight) {
            return new Target(this.name, this.connectionFactory, this.options, newWeight, this.pool);
        }

        Target withPool(Consumer<ConnectionPoolConfiguration.Builder> customizer) {
            return new Target(this.name, this.connectionFactory, this.options, this.weight, customizer);
        }

        /**
         * @return {@link #PRIMARY} or the replica's name
         */
        public String name() {
            return this.name;
        }

        /**
         * @return the caller's factory, used as it is and never closed by the router; {@code null} when the router
         * builds a pool from {@link #options()}
         */
        public @Nullable ConnectionFactory connectionFactory() {
            return this.connectionFactory;
        }

        /**
         * @return the options the router builds this target's pool from; {@code null} for a caller's factory
         */
        public @Nullable ConnectionFactoryOptions options() {
            return this.options;
        }

        /**
         * @return the relative weight for {@link ReplicaSelector#weighted()}; {@code 1} unless configured
         */
        public int weight() {
            return this.weight;
        }

        @Nullable
        Consumer<ConnectionPoolConfiguration.Builder> pool() {
            return this.pool;
        }

        @Override
        public String toString() {
            return this.name + (this.connectionFactory != null ? " (a ConnectionFactory)" : " (a pool from options)")
                    + (this.weight != 1 ? ", weight " + this.weight : "");
        }
    }

    /**
     * Builds a {@link RoutingConfiguration}. Targets given as {@link ConnectionFactory} objects (usually r2dbc-pool
     * {@link ConnectionPool}s) are used as they are and stay the caller's to close. Targets given as R2DBC URLs or
     * {@link ConnectionFactoryOptions} get a {@link ConnectionPool} that the router builds, configures with
     * {@link #pool(Consumer)}, resets on release (see {@link SessionReset}) and closes in
     * {@link RoutingConnectionFactory#close()}.
     */
    public static final class Builder {

        private @Nullable Target primary;

        private final Map<String, Target> replicas = new LinkedHashMap<>();

        private Consumer<ConnectionPoolConfiguration.Builder> pool = pool -> { };

        private ReplicaSelector replicaSelection = ReplicaSelector.roundRobin();

        private boolean fallbackToPrimary = true;

        private Route defaultRoute = Route.PRIMARY;

        private WritesOnReplicaRoute writesOnReplicaRoute = WritesOnReplicaRoute.ESCALATE;

        private boolean monitoring = true;

        private Duration monitorInterval = Duration.ofSeconds(1);

        private Duration monitorTimeout = Duration.ofSeconds(2);

        private Duration maxLag = Duration.ofSeconds(5);

        private Duration failoverBackoff = Duration.ofSeconds(1);

        private Duration maxFailoverBackoff = Duration.ofSeconds(30);

        private ReadYourWrites readYourWrites = ReadYourWrites.GTID;

        private Duration readYourWritesTimeout = Duration.ofSeconds(1);

        private Duration readYourWritesWindow = Duration.ofSeconds(2);

        private int maxReadYourWritesWaits = 4;

        private @Nullable Duration replicaStatementTimeout;

        private Duration releaseTimeout = SessionReset.DEFAULT_TIMEOUT;

        private @Nullable ReplicationDialect dialect;

        private @Nullable Scheduler scheduler;

        private final Map<String, Consumer<Builder>> clusters = new LinkedHashMap<>();

        private @Nullable ClusterResolver clusterResolver;

        private int maxClusters = DEFAULT_MAX_CLUSTERS;

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
            this.replicas.put(name, target.withWeight(weight));
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
         * @param name {@link #PRIMARY} or the name of a replica added before
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
            Target configured = target.withPool(requireNonNull(customizer, "pool customizer"));
            if (PRIMARY.equals(name)) {
                this.primary = configured;
            }
            else {
                this.replicas.put(name, configured);
            }
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
         * The route of a {@code create()} whose Context sets none. Defaults to {@link Route#PRIMARY}: code that says
         * nothing writes and reads on the primary. {@link Route#AUTO} lets such code read from replicas and write
         * on the primary, connection by connection, from what each one does first: for example scheduled jobs and
         * message consumers that run outside any web request. An explicit route in the Context always wins.
         *
         * @param defaultRoute the route
         * @return this builder
         * @throws IllegalArgumentException if {@code defaultRoute} is {@code null}
         */
        public Builder defaultRoute(Route defaultRoute) {
            this.defaultRoute = requireNonNull(defaultRoute, "defaultRoute");
            return this;
        }

        /**
         * What a connection on the {@link Route#REPLICA replica route} does with a unit of work that a replica
         * cannot run: a write, a locking read, a read-write transaction, or a statement the router does not
         * recognise. Defaults to {@link WritesOnReplicaRoute#ESCALATE}: it runs on the primary, and the connection
         * stays on the primary. Inside a read-only transaction on a replica such a statement always fails, since a
         * transaction never moves. The {@link Route#AUTO} route always runs it on the primary.
         *
         * @param writesOnReplicaRoute the policy
         * @return this builder
         * @throws IllegalArgumentException if {@code writesOnReplicaRoute} is {@code null}
         */
        public Builder writesOnReplicaRoute(WritesOnReplicaRoute writesOnReplicaRoute) {
            this.writesOnReplicaRoute = requireNonNull(writesOnReplicaRoute, "writesOnReplicaRoute");
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
         * How many reads after a write may wait on a replica at once ({@link ReadYourWrites#GTID}), each holding one
         * of the replica's pool connections while it waits; further ones read from the primary instead of waiting.
         * Defaults to {@code 4}.
         *
         * @param maxReadYourWritesWaits a positive number
         * @return this builder
         * @throws IllegalArgumentException if {@code maxReadYourWritesWaits} is not positive
         */
        public Builder maxReadYourWritesWaits(int maxReadYourWritesWaits) {
            if (maxReadYourWritesWaits <= 0) {
                throw new IllegalArgumentException("maxReadYourWritesWaits must be positive, was "
                        + maxReadYourWritesWaits);
            }
            this.maxReadYourWritesWaits = maxReadYourWritesWaits;
            return this;
        }

        /**
         * How long a statement on a replica connection may wait for the server's next answer. A replica that hangs
         * (accepts nothing, refuses nothing: a stopped process, a stuck disk, a partition) then fails the statement
         * with an {@code R2dbcTimeoutException} that names it, is taken out of rotation at once, and the connection
         * is closed instead of being returned to its pool. The bound is on silence, not on the whole statement: a
         * long result that keeps streaming is not cut. Defaults to none: replica connections are then handed out as
         * their pool gives them, at no cost. Primary connections are never bounded by the router: a write it cut
         * could have committed; bound those with the server's or the driver's own timeouts.
         *
         * @param replicaStatementTimeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code replicaStatementTimeout} is {@code null} or not positive
         */
        public Builder replicaStatementTimeout(Duration replicaStatementTimeout) {
            this.replicaStatementTimeout = requirePositive(replicaStatementTimeout, "replicaStatementTimeout");
            return this;
        }

        /**
         * How long a pool that the router builds may take to reset a released connection (roll back, restore its
         * session state) before it closes the connection instead and recovers its slot. Defaults to {@code 5s}.
         *
         * @param releaseTimeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code releaseTimeout} is {@code null} or not positive
         */
        public Builder releaseTimeout(Duration releaseTimeout) {
            this.releaseTimeout = requirePositive(releaseTimeout, "releaseTimeout");
            return this;
        }

        /**
         * Add a static cluster: a primary with its replicas of its own, chosen with
         * {@link Routing#withCluster(String) withCluster(name)}. The cluster starts from this builder's shared
         * settings (pool, selection, monitoring, lag, failover, read-your-writes, whenever they are set), and
         * {@code cluster} sets its targets and whatever differs. Static clusters open with the router and stay
         * open until it closes.
         * <pre class="code">
         * RoutingConfiguration.builder()
         *     .primary("r2dbc:mysql://app@orders-primary/orders")
         *     .cluster("billing", billing -&gt; billing
         *         .primary("r2dbc:mysql://app@billing-primary/billing")
         *         .replica("replica-1", "r2dbc:mysql://app@billing-replica-1/billing")
         *         .maxLag(Duration.ofSeconds(2)))
         *     .build();
         * </pre>
         *
         * @param name the cluster's name: not blank, not {@value #DEFAULT_CLUSTER}, not an R2DBC URL
         * @param cluster sets the cluster's primary, replicas and own settings on a builder of its own
         * @return this builder
         * @throws IllegalArgumentException if an argument is {@code null}, the name is not allowed or already taken
         */
        public Builder cluster(String name, Consumer<Builder> cluster) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("cluster name must not be null or blank");
            }
            if (DEFAULT_CLUSTER.equals(name)) {
                throw new IllegalArgumentException("'" + DEFAULT_CLUSTER + "' is the default cluster's name: "
                        + "configure it with primary(...) and replica(...), or choose another name");
            }
            if (name.startsWith("r2dbc:")) {
                throw new IllegalArgumentException("Cluster name '" + Masking.url(name) + "' looks like an R2DBC "
                        + "URL, which withCluster(...) opens as a cluster of its own; choose a plain name");
            }
            if (this.clusters.containsKey(name)) {
                throw new IllegalArgumentException("Duplicate cluster name '" + name
                        + "': each cluster needs its own name");
            }
            this.clusters.put(name, requireNonNull(cluster, "cluster of '" + name + "'"));
            return this;
        }

        /**
         * Open clusters that are not static on demand: the first {@code create()} under
         * {@link Routing#withCluster(String) withCluster(name)} asks {@code clusterResolver} for the cluster of that
         * name and opens it. Plain R2DBC URLs given as names are opened without a resolver. Defaults to none.
         *
         * @param clusterResolver the resolver
         * @return this builder
         * @throws IllegalArgumentException if {@code clusterResolver} is {@code null}
         */
        public Builder clusterResolver(ClusterResolver clusterResolver) {
            this.clusterResolver = requireNonNull(clusterResolver, "clusterResolver");
            return this;
        }

        /**
         * How many dynamic clusters (from the resolver or named by URL) may be open at once. When one more is
         * needed, the least recently used cluster that has no connection in use is closed; when every open cluster
         * has connections in use, opening fails with a
         * {@link io.github.r2dbcrouting.cluster.ClusterUnavailableException}. Static clusters do not count.
         * Defaults to {@code 16}.
         *
         * @param maxClusters a positive number
         * @return this builder
         * @throws IllegalArgumentException if {@code maxClusters} is not positive
         */
        public Builder maxClusters(int maxClusters) {
            if (maxClusters <= 0) {
                throw new IllegalArgumentException("maxClusters must be positive, was " + maxClusters);
            }
            this.maxClusters = maxClusters;
            return this;
        }

        /**
         * Check the settings and build the configuration. Opens nothing: the router opens the pools.
         *
         * @return a new configuration
         * @throws IllegalStateException if no primary is configured
         * @throws IllegalArgumentException if {@code maxFailoverBackoff} is shorter than {@code failoverBackoff}
         */
        public RoutingConfiguration build() {
            Target primaryTarget = this.primary;
            if (primaryTarget == null) {
                throw new IllegalStateException("No primary is configured: call primary(...) before build()");
            }
            if (this.maxFailoverBackoff.compareTo(this.failoverBackoff) < 0) {
                throw new IllegalArgumentException("maxFailoverBackoff (" + this.maxFailoverBackoff
                        + ") must not be shorter than failoverBackoff (" + this.failoverBackoff + ")");
            }
            if (primaryTarget.connectionFactory() != null) {
                for (Target replica : this.replicas.values()) {
                    if (replica.connectionFactory() == primaryTarget.connectionFactory()) {
                        throw new IllegalArgumentException("Replica '" + replica.name()
                                + "' uses the primary's ConnectionFactory; each target needs its own");
                    }
                }
            }
            if (this.replicas.isEmpty() && !this.fallbackToPrimary) {
                logger.warn("No replica is configured and fallbackToPrimary=false: every replica-routed "
                        + "create() will fail");
            }
            if (this.clusters.isEmpty()) {
                return new RoutingConfiguration(this, primaryTarget, Map.of());
            }
            RoutingConfiguration shared = new RoutingConfiguration(this, primaryTarget, Map.of());
            Map<String, RoutingConfiguration> built = new LinkedHashMap<>();
            this.clusters.forEach((name, cluster) -> built.put(name, ClusterSettings.build(name, shared, cluster)));
            return new RoutingConfiguration(this, primaryTarget, Collections.unmodifiableMap(built));
        }

        private Builder addReplica(Target target) {
            if (PRIMARY.equals(target.name())) {
                throw new IllegalArgumentException("'" + PRIMARY + "' is the primary's name; choose another name "
                        + "for the replica");
            }
            if (this.replicas.containsKey(target.name())) {
                throw new IllegalArgumentException("Duplicate replica name '" + target.name()
                        + "': each replica needs its own name");
            }
            if (target.connectionFactory() != null) {
                for (Target other : this.replicas.values()) {
                    if (other.connectionFactory() == target.connectionFactory()) {
                        throw new IllegalArgumentException("Replica '" + target.name()
                                + "' uses the same ConnectionFactory as replica '" + other.name()
                                + "'; each target needs its own");
                    }
                }
            }
            this.replicas.put(target.name(), target);
            return this;
        }

        private static ConnectionFactoryOptions parse(String target, String url) {
            requireNonNull(url, "URL of " + target);
            try {
                return R2dbcUrls.parse(url);
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("Malformed R2DBC URL for '" + target + "': "
                        + Masking.url(url) + " (" + ex.getMessage() + "); expected "
                        + "r2dbc:driver://user@host:port/database");
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
}
