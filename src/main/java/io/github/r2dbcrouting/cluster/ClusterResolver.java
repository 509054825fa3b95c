package io.github.r2dbcrouting.cluster;

import io.github.r2dbcrouting.RoutingConfiguration;
import reactor.core.publisher.Mono;

/**
 * Describes a cluster (a primary with its replicas) from its name, when a router first needs it: a tenant id, a
 * shard key, a database name. The router opens the cluster's pools and monitors from the configuration returned,
 * once however many {@code create()} calls ask for it at the same time, and keeps at most
 * {@link RoutingConfiguration.Builder#maxClusters(int) maxClusters} resolved clusters open, closing the least
 * recently used idle one when it needs room.
 * <p>
 * The resolver may be asynchronous, for example read a configuration table. It is asked again after an error or
 * an empty answer: nothing is cached for a name it could not resolve.
 * <pre class="code">
 * ClusterResolver tenants = (name, defaults) -&gt; tenantTable.findById(name)
 *     .map(tenant -&gt; defaults.primary(tenant.primaryUrl())
 *             .replica("replica-1", tenant.replicaUrl())
 *             .build());
 * </pre>
 */
@FunctionalInterface
public interface ClusterResolver {

    /**
     * Describe the cluster named {@code name}.
     *
     * @param name the name given to {@link io.github.r2dbcrouting.Routing#withCluster(String)}; never a plain
     * R2DBC URL (those are opened without asking the resolver)
     * @param defaults a new builder holding the router's shared settings (pool, monitoring, lag, failover,
     * read-your-writes) and no targets: set the cluster's primary and replicas, change what differs, and build it
     * @return the cluster's configuration; empty if no cluster has that name, which the caller sees as an
     * {@link UnknownClusterException}; an error, which the caller sees as the cause of a
     * {@link ClusterUnavailableException}
     */
    Mono<RoutingConfiguration> resolve(String name, RoutingConfiguration.Builder defaults);
}
