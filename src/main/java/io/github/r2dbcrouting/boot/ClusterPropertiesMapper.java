package io.github.r2dbcrouting.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.jspecify.annotations.Nullable;

/**
 * Checks the {@code spring.r2dbc.routing.clusters.<name>.*} properties and adds the clusters they describe to a
 * builder. Every target is checked here, before the builder sees it, so that each problem is reported as an
 * {@link InvalidRoutingPropertyException} naming the cluster's property.
 */
final class ClusterPropertiesMapper {

    private final RoutingProperties properties;

    ClusterPropertiesMapper(RoutingPropertiesMapper shared) {
        this.properties = shared.properties();
    }

    void apply(RoutingConfiguration.Builder builder) {
        this.properties.getClusters().forEach((name, cluster) -> {
            String prefix = RoutingProperties.PREFIX + ".clusters." + name;
            checkName(name, prefix);
            Consumer<RoutingConfiguration.Builder> settings = settings(name, prefix, cluster);
            builder.cluster(name, settings);
        });
    }

    private static void checkName(String name, String prefix) {
        if (name.isBlank() || RoutingConfiguration.DEFAULT_CLUSTER.equals(name) || name.startsWith("r2dbc:")) {
            throw new InvalidRoutingPropertyException(prefix, "'" + name + "' cannot name a cluster: '"
                    + RoutingConfiguration.DEFAULT_CLUSTER + "' is the cluster of spring.r2dbc.routing.primary and "
                    + "replicas, and R2DBC URLs name clusters opened on demand",
                    "Choose another name under " + RoutingProperties.PREFIX + ".clusters.");
        }
    }

    /**
     * Check the sizes of one target's pool, each taken from the target's pool settings, else the cluster's, else the
     * shared ones, and name the property that set the size at fault.
     */
    private void checkPool(String target, String targetPrefix, String clusterPrefix, ClusterProperties cluster) {
        RoutingProperties.PoolOverride own = targetPrefix.endsWith(".primary") ? cluster.getPrimary().getPool()
                : cluster.getReplicas().get(Integer.parseInt(targetPrefix.substring(targetPrefix.lastIndexOf('[') + 1,
                        targetPrefix.length() - 1))).getPool();
        String initialSizeProperty = own.getInitialSize() != null ? targetPrefix + ".pool.initial-size"
                : cluster.getPool().getInitialSize() != null ? clusterPrefix + ".pool.initial-size"
                : RoutingProperties.PREFIX + ".pool.initial-size";
        String maxSizeProperty = own.getMaxSize() != null ? targetPrefix + ".pool.max-size"
                : cluster.getPool().getMaxSize() != null ? clusterPrefix + ".pool.max-size"
                : RoutingProperties.PREFIX + ".pool.max-size";
        int initialSize = first(own.getInitialSize(), cluster.getPool().getInitialSize(),
                this.properties.getPool().getInitialSize());
        int maxSize = first(own.getMaxSize(), cluster.getPool().getMaxSize(), this.properties.getPool().getMaxSize());
        if (initialSize < 0) {
            throw new InvalidRoutingPropertyException(initialSizeProperty, "the initial size of the pool of '"
                    + target + "' must not be negative, was " + initialSize, "Set " + initialSizeProperty
                    + " to 0 or more.");
        }
        if (maxSize < 1 || initialSize > maxSize) {
            throw new InvalidRoutingPropertyException(maxSizeProperty, "the pool of '" + target + "' has max-size "
                    + maxSize + " and initial-size " + initialSize + " (from " + initialSizeProperty + ")",
                    "Set " + maxSizeProperty + " to at least 1 and at least the initial size, or lower "
                            + initialSizeProperty + ".");
        }
    }

    private static int first(@Nullable Integer own, @Nullable Integer cluster, int shared) {
        return own != null ? own : cluster != null ? cluster : shared;
    }

    private Consumer<RoutingConfiguration.Builder> settings(String name, String prefix, ClusterProperties cluster) {
        String primaryPrefix = prefix + ".primary";
        ConnectionFactoryOptions primary = RoutingPropertiesMapper.options(RoutingConfiguration.PRIMARY,
                primaryPrefix, cluster.getPrimary());
        checkPool(name + "/" + RoutingConfiguration.PRIMARY, primaryPrefix, prefix, cluster);
        List<Consumer<RoutingConfiguration.Builder>> replicas = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        List<RoutingProperties.Replica> configured = cluster.getReplicas();
        for (int i = 0; i < configured.size(); i++) {
            RoutingProperties.Replica replica = configured.get(i);
            String replicaPrefix = prefix + ".replicas[" + i + "]";
            String replicaName = RoutingPropertiesMapper.replicaName(replica, i, replicaPrefix, names);
            int weight = RoutingPropertiesMapper.positiveCount(replicaPrefix + ".weight", replica.getWeight());
            ConnectionFactoryOptions options = RoutingPropertiesMapper.options(replicaName, replicaPrefix, replica);
            checkPool(name + "/" + replicaName, replicaPrefix, prefix, cluster);
            Consumer<ConnectionPoolConfiguration.Builder> pool = RoutingPropertiesMapper.poolOverrides(
                    replica.getPool());
            replicas.add(builder -> builder.replica(replicaName, options).weight(replicaName, weight)
                    .pool(replicaName, pool));
        }
        Duration maxLag = cluster.getMaxLag() == null ? null
                : RoutingPropertiesMapper.positive(prefix + ".max-lag", cluster.getMaxLag());
        Duration replicaStatementTimeout = cluster.getReplicaStatementTimeout() == null ? null
                : RoutingPropertiesMapper.positive(prefix + ".replica-statement-timeout",
                        cluster.getReplicaStatementTimeout());
        // The shared pool settings first, then the cluster's own, then each target's.
        Consumer<ConnectionPoolConfiguration.Builder> clusterPool = RoutingPropertiesMapper
                .poolDefaults(this.properties.getPool())
                .andThen(RoutingPropertiesMapper.poolOverrides(cluster.getPool()));
        Consumer<ConnectionPoolConfiguration.Builder> primaryPool = RoutingPropertiesMapper.poolOverrides(
                cluster.getPrimary().getPool());
        return builder -> {
            builder.pool(clusterPool);
            builder.primary(primary).pool(RoutingConfiguration.PRIMARY, primaryPool);
            replicas.forEach(replica -> replica.accept(builder));
            if (cluster.getReplicaSelection() != null) {
                builder.replicaSelection(RoutingPropertiesMapper.selector(cluster.getReplicaSelection()));
            }
            if (cluster.getFallbackToPrimary() != null) {
                builder.fallbackToPrimary(cluster.getFallbackToPrimary());
            }
            if (maxLag != null) {
                builder.maxLag(maxLag);
            }
            if (cluster.getReadYourWrites() != null) {
                builder.readYourWrites(cluster.getReadYourWrites());
            }
            if (replicaStatementTimeout != null) {
                builder.replicaStatementTimeout(replicaStatementTimeout);
            }
        };
    }
}
