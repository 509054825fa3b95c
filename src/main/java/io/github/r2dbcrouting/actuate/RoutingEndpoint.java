package io.github.r2dbcrouting.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.replica.Replica;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.ConnectionFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The read-only {@code routing} actuator endpoint: the configuration of the {@link RoutingConnectionFactory}
 * (passwords as {@code ****}) and the live state of each target: state, lag and reason as the router holds them,
 * connections in use, connections handed out so far, and the pool's own figures. It reads what the router already
 * knows and opens no connection.
 */
@Endpoint(id = "routing")
public class RoutingEndpoint {

    private final RoutingConnectionFactory router;

    /**
     * @param router the router to describe
     */
    public RoutingEndpoint(RoutingConnectionFactory router) {
        this.router = router;
    }

    /**
     * @return the configuration and the state of every target
     */
    @ReadOperation
    public RoutingDescriptor routing() {
        RoutingConfiguration configuration = this.router.configuration();
        Map<String, TargetState> targets = new LinkedHashMap<>();
        ConnectionFactory primary = this.router.unwrap();
        PoolDescriptor primaryPool = PoolDescriptor.of(primary);
        boolean failing = this.router.primaryFailing();
        targets.put(RoutingConfiguration.PRIMARY, new TargetState(failing ? "DOWN" : "UP", null,
                failing ? "the last connection request failed" : "", null,
                primaryPool == null ? 0 : primaryPool.acquired() + primaryPool.pending(),
                this.router.primaryHandedOut(), primaryPool));
        for (Replica replica : this.router.replicas()) {
            targets.put(replica.name(), new TargetState(replica.state().name(), Durations.format(replica.lag()),
                    replica.reason(), replica.position(), replica.inUse(), replica.handedOut(),
                    PoolDescriptor.of(this.router.replicaConnectionFactory(replica.name()))));
        }
        return new RoutingDescriptor(ConfigurationDescriptor.of(configuration), targets);
    }

    /**
     * What the endpoint answers.
     *
     * @param configuration how the router was configured
     * @param targets the state of each target, the primary first, by name
     */
    public record RoutingDescriptor(ConfigurationDescriptor configuration, Map<String, TargetState> targets) {
    }

    /**
     * The router's configuration; durations as {@code 250ms}, {@code 2s}.
     *
     * @param primary where the primary is
     * @param replicas each replica: name, where it is, weight
     * @param replicaSelection how a replica is chosen
     * @param fallbackToPrimary whether replica reads go to the primary when no replica is UP
     * @param monitoring whether the replicas are monitored
     * @param monitorInterval time between two probes of a replica
     * @param monitorTimeout longest probe
     * @param maxLag largest lag of a replica that still gets reads
     * @param failoverBackoff first rest of a failed replica when nothing monitors it
     * @param maxFailoverBackoff longest rest
     * @param readYourWrites how a session reads its own writes
     * @param readYourWritesTimeout longest wait for a replica to apply a session's write
     * @param readYourWritesWindow how long after a write a session reads from the primary, by time
     * @param maxReadYourWritesWaits how many reads may wait for a replica at once
     * @param replicaStatementTimeout longest wait for a replica's answer to a statement; {@code null}: unbounded
     */
    public record ConfigurationDescriptor(String primary, List<ReplicaDescriptor> replicas, String replicaSelection,
            boolean fallbackToPrimary, boolean monitoring, @Nullable String monitorInterval,
            @Nullable String monitorTimeout, @Nullable String maxLag, @Nullable String failoverBackoff,
            @Nullable String maxFailoverBackoff, String readYourWrites, @Nullable String readYourWritesTimeout,
            @Nullable String readYourWritesWindow, int maxReadYourWritesWaits,
            @Nullable String replicaStatementTimeout) {

        static ConfigurationDescriptor of(RoutingConfiguration configuration) {
            List<ReplicaDescriptor> replicas = new ArrayList<>();
            for (RoutingConfiguration.Target replica : configuration.getReplicas()) {
                replicas.add(new ReplicaDescriptor(replica.name(), TargetDescription.of(replica), replica.weight()));
            }
            return new ConfigurationDescriptor(TargetDescription.of(configuration.getPrimary()), replicas,
                    configuration.getReplicaSelection().toString(), configuration.isFallbackToPrimary(),
                    configuration.isMonitoring(), Durations.format(configuration.getMonitorInterval()),
                    Durations.format(configuration.getMonitorTimeout()), Durations.format(configuration.getMaxLag()),
                    Durations.format(configuration.getFailoverBackoff()),
                    Durations.format(configuration.getMaxFailoverBackoff()),
                    configuration.getReadYourWrites().name(),
                    Durations.format(configuration.getReadYourWritesTimeout()),
                    Durations.format(configuration.getReadYourWritesWindow()),
                    configuration.getMaxReadYourWritesWaits(),
                    Durations.format(configuration.getReplicaStatementTimeout()));
        }
    }

    /**
     * One configured replica.
     *
     * @param name its name
     * @param url where it is, the password as {@code ****}
     * @param weight its weight for the weighted selection
     */
    public record ReplicaDescriptor(String name, String url, int weight) {
    }

    /**
     * The live state of one target.
     *
     * @param state {@code UP}, {@code LAGGING} or {@code DOWN} as the router holds it; for the primary, {@code DOWN}
     * from a failed connection request until it hands out a connection again
     * @param lag a replica's lag at its last probe; {@code null} when unknown, and for the primary
     * @param reason why it is in its state
     * @param position a replica's replication position at its last probe; {@code null} when unknown
     * @param inUse connections acquired or waited for
     * @param handedOut connections handed out to callers since the router was built
     * @param pool the figures of the target's r2dbc-pool; {@code null} for a factory that is not one
     */
    public record TargetState(String state, @Nullable String lag, String reason, @Nullable String position, int inUse,
            long handedOut, @Nullable PoolDescriptor pool) {
    }

    /**
     * The figures of an r2dbc-pool.
     *
     * @param acquired connections lent out
     * @param idle connections waiting in the pool
     * @param allocated connections open
     * @param pending acquisitions waiting for a connection
     * @param maxAllocated largest number of connections it may open
     */
    public record PoolDescriptor(int acquired, int idle, int allocated, int pending, int maxAllocated) {

        static @Nullable PoolDescriptor of(ConnectionFactory factory) {
            if (!(factory instanceof ConnectionPool pool)) {
                return null;
            }
            PoolMetrics metrics = pool.getMetrics().orElse(null);
            return metrics == null ? null : new PoolDescriptor(metrics.acquiredSize(), metrics.idleSize(),
                    metrics.allocatedSize(), metrics.pendingAcquireSize(), metrics.getMaxAllocatedSize());
        }
    }
}
