package io.github.r2dbcrouting;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import java.util.function.Function;
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
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
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

    private final List<Closeable> owned;

    private final Function<ContextView, Mono<? extends Connection>> connect = this::connect;

    private volatile int closed;

    private RoutingConnectionFactory(ConnectionFactory primary, List<Replica> replicas, ReplicaSelector selector,
            boolean fallbackToPrimary, List<Closeable> owned) {
        this.primary = primary;
        this.replicas = replicas;
        this.selector = selector;
        this.fallbackToPrimary = fallbackToPrimary;
        this.owned = owned;
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
     *
     * @return a {@code Mono} of the chosen target's connection
     */
    @Override
    public Mono<? extends Connection> create() {
        return Mono.deferContextual(this.connect);
    }

    private Mono<? extends Connection> connect(ContextView context) {
        if (this.closed != 0) {
            return Mono.error(new IllegalStateException("RoutingConnectionFactory is closed"));
        }
        ContextRoute route = Routing.read(context);
        if (route == null || route.route == Route.PRIMARY) {
            return Mono.from(this.primary.create());
        }
        Replica replica = chooseReplica(route.session);
        if (replica != null) {
            return Mono.from(replica.connectionFactory().create());
        }
        return noReplica();
    }

    private @Nullable Replica chooseReplica(@Nullable RoutingSession session) {
        List<Replica> candidates = this.replicas;
        if (candidates.isEmpty()) {
            return null;
        }
        if (session == null) {
            return this.selector.select(candidates);
        }
        Replica sticky = session.replica();
        if (sticky != null) {
            return sticky;
        }
        return session.stick(this.selector.select(candidates), null);
    }

    private Mono<? extends Connection> noReplica() {
        if (this.fallbackToPrimary) {
            if (logger.isDebugEnabled()) {
                logger.debug("No replica is configured; reading from primary because fallbackToPrimary=true");
            }
            return Mono.from(this.primary.create());
        }
        return Mono.error(new NoReplicaAvailableException("No replica is configured and fallbackToPrimary=false, "
                + "so a replica-routed connection cannot be created. Add replicas with "
                + "RoutingConnectionFactory.builder().replica(name, ...) or allow fallbackToPrimary(true)"));
    }

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
     * @return the replicas in the order they were configured; unmodifiable
     */
    public List<Replica> replicas() {
        return this.replicas;
    }

    /**
     * Close the connection pools that this router built from URLs or options. Factories passed in as
     * {@link ConnectionFactory} objects belong to the caller and stay open. Connections already handed out can
     * still be closed normally. Further {@code create()} calls emit an {@link IllegalStateException}. Safe to
     * call more than once: only the first subscription closes anything.
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
                + ", replicaSelection=" + this.selector + ", fallbackToPrimary=" + this.fallbackToPrimary + "]";
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
                RoutingConnectionFactory router = new RoutingConnectionFactory(primaryFactory,
                        Collections.unmodifiableList(replicaList), this.replicaSelection, this.fallbackToPrimary,
                        Collections.unmodifiableList(owned));
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
