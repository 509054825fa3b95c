package io.github.r2dbcrouting.boot;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingListener;
import io.github.r2dbcrouting.internal.Masking;
import io.github.r2dbcrouting.internal.R2dbcUrls;
import io.github.r2dbcrouting.replica.ReplicaSelector;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * Checks {@link RoutingProperties} and builds the {@link RoutingConfiguration} they describe. Every problem is
 * reported as an {@link InvalidRoutingPropertyException} that names the property to fix.
 */
final class RoutingPropertiesMapper {

    private static final String EXAMPLE_URL = "r2dbc:mysql://db-host:3306/app";

    private final RoutingProperties properties;

    RoutingPropertiesMapper(RoutingProperties properties) {
        this.properties = properties;
    }

    /**
     * @return the configuration of a router that builds its own pools
     * @throws InvalidRoutingPropertyException if a property is missing or wrong
     */
    RoutingConfiguration configuration() {
        return configuration(List.of());
    }

    /**
     * @param listeners the listeners to register, in order
     * @return the configuration of a router that builds its own pools and tells {@code listeners} what it does
     * @throws InvalidRoutingPropertyException if a property is missing or wrong
     */
    RoutingConfiguration configuration(List<RoutingListener> listeners) {
        RoutingProperties.Primary primary = this.properties.getPrimary();
        String primaryPrefix = RoutingProperties.PREFIX + ".primary";
        RoutingConfiguration.Builder builder = RoutingConfiguration.builder()
                .primary(options(RoutingConfiguration.PRIMARY, primaryPrefix, primary))
                .replicaSelection(selector(this.properties.getReplicaSelection()))
                .fallbackToPrimary(this.properties.isFallbackToPrimary())
                .defaultRoute(this.properties.getDefaultRoute())
                .writesOnReplicaRoute(this.properties.getWritesOnReplicaRoute())
                .pool(poolDefaults(this.properties.getPool()));
        applyMonitoring(builder);
        Duration replicaStatementTimeout = this.properties.getReplicaStatementTimeout();
        if (replicaStatementTimeout != null) {
            builder.replicaStatementTimeout(positive(RoutingProperties.PREFIX + ".replica-statement-timeout",
                    replicaStatementTimeout));
        }
        checkPool(RoutingConfiguration.PRIMARY, primaryPrefix, primary.getPool());
        builder.pool(RoutingConfiguration.PRIMARY, poolOverrides(primary.getPool()));

        Map<String, String> names = new HashMap<>();
        List<RoutingProperties.Replica> replicas = this.properties.getReplicas();
        for (int i = 0; i < replicas.size(); i++) {
            RoutingProperties.Replica replica = replicas.get(i);
            String prefix = RoutingProperties.PREFIX + ".replicas[" + i + "]";
            String name = replicaName(replica, i, prefix, names);
            if (replica.getWeight() <= 0) {
                throw new InvalidRoutingPropertyException(prefix + ".weight", "the weight of replica '" + name
                        + "' must be positive, was " + replica.getWeight(),
                        "Set " + prefix + ".weight to a positive number, or remove it to use the default 1.");
            }
            checkPool(name, prefix, replica.getPool());
            builder.replica(name, options(name, prefix, replica))
                    .weight(name, replica.getWeight())
                    .pool(name, poolOverrides(replica.getPool()));
        }
        listeners.forEach(builder::listener);
        return builder.build();
    }

    private void applyMonitoring(RoutingConfiguration.Builder builder) {
        RoutingProperties.Monitoring monitoring = this.properties.getMonitoring();
        String prefix = RoutingProperties.PREFIX + ".";
        builder.monitoring(monitoring.isEnabled())
                .monitorInterval(positive(prefix + "monitoring.interval", monitoring.getInterval()))
                .monitorTimeout(positive(prefix + "monitoring.timeout", monitoring.getTimeout()))
                .maxLag(positive(prefix + "max-lag", this.properties.getMaxLag()))
                .readYourWrites(this.properties.getReadYourWrites())
                .readYourWritesTimeout(positive(prefix + "read-your-writes-timeout",
                        this.properties.getReadYourWritesTimeout()))
                .readYourWritesWindow(positive(prefix + "read-your-writes-window",
                        this.properties.getReadYourWritesWindow()))
                .maxReadYourWritesWaits(positiveCount(prefix + "max-read-your-writes-waits",
                        this.properties.getMaxReadYourWritesWaits()))
                .failoverBackoff(positive(prefix + "failover-backoff", this.properties.getFailoverBackoff()))
                .maxFailoverBackoff(positive(prefix + "max-failover-backoff", this.properties.getMaxFailoverBackoff()));
    }

    private static int positiveCount(String property, int count) {
        if (count <= 0) {
            throw new InvalidRoutingPropertyException(property, "must be positive, was " + count,
                    "Set " + property + " to a positive number, or remove it to use the default.");
        }
        return count;
    }

    private static Duration positive(String property, Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new InvalidRoutingPropertyException(property, "must be a positive duration, was " + duration,
                    "Set " + property + " to a positive duration such as 1s, or remove it to use the default.");
        }
        return duration;
    }

    private static String replicaName(RoutingProperties.Replica replica, int index, String prefix,
            Map<String, String> names) {
        String configured = replica.getName();
        String name = configured == null || configured.isBlank() ? "replica-" + (index + 1) : configured.trim();
        if (RoutingConfiguration.PRIMARY.equals(name)) {
            throw new InvalidRoutingPropertyException(prefix + ".name", "'" + RoutingConfiguration.PRIMARY
                    + "' is reserved for the primary", "Give the replica another name, for example replica-"
                    + (index + 1) + ".");
        }
        String previous = names.putIfAbsent(name, prefix);
        if (previous != null) {
            throw new InvalidRoutingPropertyException(prefix + ".name", "replica name '" + name
                    + "' is already used by " + previous, "Give each replica its own name.");
        }
        return name;
    }

    private static ConnectionFactoryOptions options(String target, String prefix,
            RoutingProperties.Target properties) {
        String url = properties.getUrl();
        String property = prefix + ".url";
        if (url == null || url.isBlank()) {
            String what = RoutingConfiguration.PRIMARY.equals(target) ? "the primary"
                    : "replica '" + target + "'";
            throw new InvalidRoutingPropertyException(property, "no R2DBC URL is set for " + what,
                    "Set " + property + " to the R2DBC URL of " + what + ", for example " + EXAMPLE_URL
                            + (RoutingConfiguration.PRIMARY.equals(target) ? "."
                                    : ", or remove the replica."));
        }
        ConnectionFactoryOptions parsed;
        try {
            parsed = R2dbcUrls.parse(url.trim());
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidRoutingPropertyException(property, "'" + Masking.url(url) + "' is not a valid R2DBC URL: "
                    + ex.getMessage(), "Write the URL as r2dbc:driver://host:port/database, for example "
                            + EXAMPLE_URL + ", and percent-encode any '/', '?', '#' or '@' in a password.");
        }
        ConnectionFactoryOptions.Builder options = parsed.mutate();
        String username = properties.getUsername();
        if (!parsed.hasOption(ConnectionFactoryOptions.USER) && username != null && !username.isEmpty()) {
            options.option(ConnectionFactoryOptions.USER, username);
        }
        String password = properties.getPassword();
        if (!parsed.hasOption(ConnectionFactoryOptions.PASSWORD) && password != null && !password.isEmpty()) {
            options.option(ConnectionFactoryOptions.PASSWORD, password);
        }
        ConnectionFactoryOptions result = options.build();
        checkDriver(property, prefix, url, result);
        return result;
    }

    /**
     * Let the driver read the options now, without connecting, so that its complaint names our property.
     */
    private static void checkDriver(String property, String prefix, String url, ConnectionFactoryOptions options) {
        if (!ConnectionFactories.supports(options)) {
            throw new InvalidRoutingPropertyException(property, "no R2DBC driver on the classpath accepts '"
                    + Masking.url(url) + "' (driver '" + options.getValue(ConnectionFactoryOptions.DRIVER) + "')",
                    "Add the driver to the application's dependencies (io.asyncer:r2dbc-mysql for MySQL and "
                            + "MariaDB), or fix the driver name in " + property + ".");
        }
        ConnectionFactory driver;
        try {
            driver = ConnectionFactories.get(options);
        }
        catch (RuntimeException ex) {
            // Not chained: a driver's message may repeat the options, and their password.
            String reason = Masking.text(String.valueOf(ex.getMessage()),
                    options.getValue(ConnectionFactoryOptions.PASSWORD));
            throw new InvalidRoutingPropertyException(property, "the driver refuses '" + Masking.url(url) + "': "
                    + reason,
                    "Complete or fix " + property + "; the username and password may also be set in " + prefix
                            + ".username and " + prefix + ".password.");
        }
        if (driver instanceof Disposable disposable) {
            disposable.dispose();
        }
    }

    private static ReplicaSelector selector(RoutingProperties.ReplicaSelection selection) {
        return ReplicaSelector.named(selection.name());
    }

    private void checkPool(String target, String prefix, RoutingProperties.PoolOverride override) {
        RoutingProperties.Pool defaults = this.properties.getPool();
        String defaultPrefix = RoutingProperties.PREFIX + ".pool";
        String initialSizeProperty = override.getInitialSize() != null ? prefix + ".pool.initial-size"
                : defaultPrefix + ".initial-size";
        String maxSizeProperty = override.getMaxSize() != null ? prefix + ".pool.max-size"
                : defaultPrefix + ".max-size";
        int initialSize = Objects.requireNonNullElse(override.getInitialSize(), defaults.getInitialSize());
        int maxSize = Objects.requireNonNullElse(override.getMaxSize(), defaults.getMaxSize());
        if (initialSize < 0) {
            throw new InvalidRoutingPropertyException(initialSizeProperty, "the initial size of the pool of '"
                    + target + "' must not be negative, was " + initialSize,
                    "Set " + initialSizeProperty + " to 0 or more.");
        }
        if (maxSize < 1) {
            throw new InvalidRoutingPropertyException(maxSizeProperty, "the maximum size of the pool of '" + target
                    + "' must be at least 1, was " + maxSize, "Set " + maxSizeProperty + " to 1 or more.");
        }
        if (initialSize > maxSize) {
            throw new InvalidRoutingPropertyException(maxSizeProperty, "the pool of '" + target + "' has max-size "
                    + maxSize + ", smaller than its initial-size " + initialSize,
                    "Raise " + maxSizeProperty + " to at least " + initialSize + ", or lower "
                            + initialSizeProperty + ".");
        }
    }

    private static Consumer<ConnectionPoolConfiguration.Builder> poolDefaults(RoutingProperties.Pool pool) {
        return builder -> {
            builder.initialSize(pool.getInitialSize())
                    .maxSize(pool.getMaxSize())
                    .maxIdleTime(pool.getMaxIdleTime());
            apply(pool.getMaxAcquireTime(), builder::maxAcquireTime);
            apply(pool.getValidationQuery(), builder::validationQuery);
        };
    }

    private static Consumer<ConnectionPoolConfiguration.Builder> poolOverrides(RoutingProperties.PoolOverride pool) {
        return builder -> {
            apply(pool.getInitialSize(), builder::initialSize);
            apply(pool.getMaxSize(), builder::maxSize);
            apply(pool.getMaxIdleTime(), builder::maxIdleTime);
            apply(pool.getMaxAcquireTime(), builder::maxAcquireTime);
            apply(pool.getValidationQuery(), builder::validationQuery);
        };
    }

    private static <T> void apply(@Nullable T value, Function<T, ?> setter) {
        if (value != null) {
            setter.apply(value);
        }
    }
}
