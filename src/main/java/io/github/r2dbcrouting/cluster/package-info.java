/**
 * Many databases behind one router: the {@link io.github.r2dbcrouting.cluster.ClusterResolver} extension point that
 * describes a cluster (a primary with its replicas) from its name on demand, and the errors a cluster lookup emits.
 * <p>
 * A cluster is chosen with {@link io.github.r2dbcrouting.Routing#withCluster(String)}; static clusters are
 * configured with {@link io.github.r2dbcrouting.RoutingConfiguration.Builder#cluster(String,
 * java.util.function.Consumer)}, dynamic ones with
 * {@link io.github.r2dbcrouting.RoutingConfiguration.Builder#clusterResolver(ClusterResolver)}, bounded by
 * {@link io.github.r2dbcrouting.RoutingConfiguration.Builder#maxClusters(int)}.
 */
@NullMarked
package io.github.r2dbcrouting.cluster;

import org.jspecify.annotations.NullMarked;
