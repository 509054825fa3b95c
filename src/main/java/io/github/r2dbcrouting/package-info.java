/**
 * Read/write routing for R2DBC: a {@link io.r2dbc.spi.ConnectionFactory} that sends each unit of work to a
 * primary or to one of its replicas, chosen from a key in the Reactor Context.
 * <p>
 * Start with {@link io.github.r2dbcrouting.RoutingConfiguration#builder()}, pass the configuration to
 * {@link io.github.r2dbcrouting.RoutingConnectionFactory}, and route with the operators in
 * {@link io.github.r2dbcrouting.Routing}. This package has no Spring dependency.
 * <p>
 * Its public types are what users call: the factory and its configuration, the operators, {@link
 * io.github.r2dbcrouting.Route}, {@link io.github.r2dbcrouting.RoutingSession} and {@link
 * io.github.r2dbcrouting.SessionTokens} for read-your-writes, {@link io.github.r2dbcrouting.SessionReset} for pools
 * of one's own, and the exceptions. The engine is package-private: the {@code create()} publishers
 * ({@code RoutingMono}, {@code TargetMono}, {@code TargetSubscriber}), pool building and ownership
 * ({@code TargetPools}), the replica set with failover and reinstatement ({@code ReplicaSet}, {@code ReplicaTarget},
 * {@code ReplicaHealth}, {@code HealthPolicy}, {@code ReplicationMonitor}), read-your-writes ({@code ReadAfterWrite},
 * {@code LastWrite}, {@code WriteRecordingConnection}) and the session reset ({@code ResettingConnection}).
 * Named clusters are chosen by a second Context key ({@link io.github.r2dbcrouting.Routing#withCluster(String)});
 * their engine is package-private too: {@code ClusterRegistry} (static clusters, and the bounded registry of dynamic
 * ones), {@code DynamicCluster}, {@code ClusterLease} and {@code LeasedConnection} (connections in use, eviction),
 * {@code ClusterView} ({@code router.cluster(name)}), {@code ClusterSettings} and {@code ClusterScopedSubscriber}.
 * Extension points live in their own packages: {@link io.github.r2dbcrouting.replica} (replica selection),
 * {@link io.github.r2dbcrouting.dialect} (replication SQL) and {@link io.github.r2dbcrouting.cluster} (clusters
 * resolved on demand).
 */
@NullMarked
package io.github.r2dbcrouting;

import org.jspecify.annotations.NullMarked;
