package io.github.r2dbcrouting;

import java.util.function.Consumer;

import io.github.r2dbcrouting.internal.Masking;

/**
 * A cluster's configuration starts from the shared settings of the router's: a builder with those and no targets,
 * which the cluster's own settings then change.
 */
final class ClusterSettings {

    private ClusterSettings() {
    }

    /**
     * @return a new builder holding every shared setting of {@code shared}, and no primary, replicas or clusters
     */
    static RoutingConfiguration.Builder inherit(RoutingConfiguration shared) {
        RoutingConfiguration.Builder builder = RoutingConfiguration.builder()
                .pool(shared.getPool())
                .replicaSelection(shared.getReplicaSelection())
                .fallbackToPrimary(shared.isFallbackToPrimary())
                .defaultRoute(shared.getDefaultRoute())
                .writesOnReplicaRoute(shared.getWritesOnReplicaRoute())
                .monitoring(shared.isMonitoring())
                .monitorInterval(shared.getMonitorInterval())
                .monitorTimeout(shared.getMonitorTimeout())
                .maxLag(shared.getMaxLag())
                .failoverBackoff(shared.getFailoverBackoff())
                .maxFailoverBackoff(shared.getMaxFailoverBackoff())
                .readYourWrites(shared.getReadYourWrites())
                .readYourWritesTimeout(shared.getReadYourWritesTimeout())
                .readYourWritesWindow(shared.getReadYourWritesWindow())
                .maxReadYourWritesWaits(shared.getMaxReadYourWritesWaits())
                .releaseTimeout(shared.getReleaseTimeout())
                .scheduler(shared.getScheduler());
        if (shared.getReplicaStatementTimeout() != null) {
            builder.replicaStatementTimeout(shared.getReplicaStatementTimeout());
        }
        if (shared.getDialect() != null) {
            builder.dialect(shared.getDialect());
        }
        return builder;
    }

    /**
     * @return the configuration of the static cluster {@code name}
     * @throws IllegalArgumentException naming the cluster, if its settings are refused or it has no primary
     */
    static RoutingConfiguration build(String name, RoutingConfiguration shared,
            Consumer<RoutingConfiguration.Builder> cluster) {
        try {
            RoutingConfiguration.Builder builder = inherit(shared);
            cluster.accept(builder);
            return checked(name, builder.build());
        }
        catch (IllegalArgumentException | IllegalStateException ex) {
            throw new IllegalArgumentException("Cluster '" + name + "': " + ex.getMessage(), ex);
        }
    }

    /**
     * @return {@code configuration}, if it is fit to be one cluster of a router
     * @throws IllegalArgumentException if it has clusters or a resolver of its own
     */
    static RoutingConfiguration checked(String name, RoutingConfiguration configuration) {
        if (!configuration.getClusters().isEmpty() || configuration.getClusterResolver() != null) {
            throw new IllegalArgumentException("Cluster '" + Masking.url(name) + "' configures clusters of its own "
                    + configuration.getClusters().keySet() + "; a cluster is one primary with its replicas: "
                    + "configure every cluster on the router's builder");
        }
        return configuration;
    }
}
