package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.r2dbcrouting.internal.Masking;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Closeable;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Opens the targets of a {@link RoutingConfiguration}: a caller's factory is used as it is, options get a pool that
 * resets session state on release, and these pools are the router's to close.
 * <p>
 * A pool built here never waits without bound on a server that accepts nothing and refuses nothing: unless the
 * configuration says otherwise, connecting takes at most {@link #CONNECT_TIMEOUT}, validating
 * {@link #VALIDATION_TIMEOUT}, and acquiring {@link #PRIMARY_ACQUIRE_TIMEOUT} from the primary or
 * {@link #REPLICA_ACQUIRE_TIMEOUT} from a replica, after which the same {@code create()} moves on to the next
 * replica.
 */
final class TargetPools {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(1);

    static final Duration PRIMARY_ACQUIRE_TIMEOUT = Duration.ofSeconds(5);

    static final Duration REPLICA_ACQUIRE_TIMEOUT = Duration.ofSeconds(2);

    private final RoutingConfiguration configuration;

    private final List<Closeable> owned = new ArrayList<>();

    TargetPools(RoutingConfiguration configuration) {
        this.configuration = configuration;
    }

    /**
     * @return the target's factory: the caller's, or a new pool owned by this object
     * @throws IllegalArgumentException if no driver serves the target's options, or the driver refuses them
     */
    ConnectionFactory open(RoutingConfiguration.Target target) {
        ConnectionFactory given = target.connectionFactory();
        if (given != null) {
            return given;
        }
        ConnectionFactoryOptions options = withConnectTimeout(target.options());
        Object driverName = options.getValue(ConnectionFactoryOptions.DRIVER);
        // Neither error is chained: ConnectionFactories prints the options, and a driver's message may repeat them.
        // Their toString() hides the password option but not a password in another option or cut into the host.
        if (!ConnectionFactories.supports(options)) {
            throw new IllegalArgumentException("No R2DBC driver for '" + target.name() + "' (driver " + driverName
                    + "): add the driver to the classpath or fix the URL");
        }
        ConnectionFactory driver;
        try {
            driver = ConnectionFactories.get(options);
        }
        catch (RuntimeException ex) {
            throw new IllegalArgumentException("The R2DBC driver " + driverName + " refuses the options of '"
                    + target.name() + "': " + Masking.text(String.valueOf(ex.getMessage()),
                            options.getValue(ConnectionFactoryOptions.PASSWORD))
                    + "; fix the URL or options");
        }
        if (driver instanceof ConnectionPool pool) {
            this.owned.add(pool);
            return pool;
        }
        ConnectionPoolConfiguration.Builder pool = ConnectionPoolConfiguration
                .builder(SessionReset.of(driver, this.configuration.getReleaseTimeout()))
                .name(target.name())
                .maxCreateConnectionTime(CONNECT_TIMEOUT)
                .maxValidationTime(VALIDATION_TIMEOUT)
                .maxAcquireTime(RoutingConfiguration.PRIMARY.equals(target.name()) ? PRIMARY_ACQUIRE_TIMEOUT
                        : REPLICA_ACQUIRE_TIMEOUT);
        this.configuration.getPool().accept(pool);
        if (target.pool() != null) {
            target.pool().accept(pool);
        }
        ConnectionPool built = new ConnectionPool(pool.build());
        this.owned.add(built);
        return built;
    }

    private static ConnectionFactoryOptions withConnectTimeout(ConnectionFactoryOptions options) {
        if (options.hasOption(ConnectionFactoryOptions.CONNECT_TIMEOUT)) {
            return options;
        }
        return options.mutate().option(ConnectionFactoryOptions.CONNECT_TIMEOUT, CONNECT_TIMEOUT).build();
    }

    /**
     * @return how many pools this object built
     */
    int size() {
        return this.owned.size();
    }

    /**
     * Close every pool built here, each even if another fails.
     */
    Mono<Void> close() {
        return Flux.fromIterable(this.owned).concatMapDelayError(Closeable::close).then();
    }
}
