package io.github.r2dbcrouting.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.r2dbcrouting.ReadYourWrites;
import org.jspecify.annotations.Nullable;

/**
 * One named cluster under {@code spring.r2dbc.routing.clusters.<name>}: a primary with its replicas, and the settings
 * in which it differs from the shared ones. Every setting left unset comes from {@code spring.r2dbc.routing.*}.
 * <pre class="code">
 * spring.r2dbc.routing.clusters.billing.primary.url=r2dbc:mysql://billing-primary:3306/billing
 * spring.r2dbc.routing.clusters.billing.replicas[0].url=r2dbc:mysql://billing-replica-1:3306/billing
 * spring.r2dbc.routing.clusters.billing.max-lag=2s
 * spring.r2dbc.routing.clusters.billing.pool.max-size=5
 * </pre>
 */
public class ClusterProperties {

    /**
     * The cluster's primary, which takes its writes.
     */
    private final RoutingProperties.Primary primary = new RoutingProperties.Primary();

    /**
     * The cluster's replicas, as spring.r2dbc.routing.replicas: replicas[i].name, .url, .username, .password,
     * .weight and .pool.*.
     */
    private List<RoutingProperties.Replica> replicas = new ArrayList<>();

    /**
     * Pool settings of every target of this cluster; each one that is not set comes from spring.r2dbc.routing.pool,
     * and a target's own pool settings override them.
     */
    private final RoutingProperties.PoolOverride pool = new RoutingProperties.PoolOverride();

    /**
     * How a replica of this cluster is chosen. Unset: spring.r2dbc.routing.replica-selection.
     */
    private RoutingProperties.@Nullable ReplicaSelection replicaSelection;

    /**
     * Whether a replica-routed connection of this cluster uses its primary when no replica is UP. Unset:
     * spring.r2dbc.routing.fallback-to-primary.
     */
    private @Nullable Boolean fallbackToPrimary;

    /**
     * How far a replica of this cluster may be behind its primary and still receive reads. Unset:
     * spring.r2dbc.routing.max-lag.
     */
    private @Nullable Duration maxLag;

    /**
     * How the replica reads of a request see its writes on this cluster. Unset: spring.r2dbc.routing.read-your-writes.
     */
    private @Nullable ReadYourWrites readYourWrites;

    /**
     * How long a statement on a replica connection of this cluster may wait for the server's next answer. Unset:
     * spring.r2dbc.routing.replica-statement-timeout.
     */
    private @Nullable Duration replicaStatementTimeout;

    public RoutingProperties.Primary getPrimary() {
        return this.primary;
    }

    public List<RoutingProperties.Replica> getReplicas() {
        return this.replicas;
    }

    public void setReplicas(List<RoutingProperties.Replica> replicas) {
        this.replicas = replicas;
    }

    public RoutingProperties.PoolOverride getPool() {
        return this.pool;
    }

    public RoutingProperties.@Nullable ReplicaSelection getReplicaSelection() {
        return this.replicaSelection;
    }

    public void setReplicaSelection(RoutingProperties.@Nullable ReplicaSelection replicaSelection) {
        this.replicaSelection = replicaSelection;
    }

    public @Nullable Boolean getFallbackToPrimary() {
        return this.fallbackToPrimary;
    }

    public void setFallbackToPrimary(@Nullable Boolean fallbackToPrimary) {
        this.fallbackToPrimary = fallbackToPrimary;
    }

    public @Nullable Duration getMaxLag() {
        return this.maxLag;
    }

    public void setMaxLag(@Nullable Duration maxLag) {
        this.maxLag = maxLag;
    }

    public @Nullable ReadYourWrites getReadYourWrites() {
        return this.readYourWrites;
    }

    public void setReadYourWrites(@Nullable ReadYourWrites readYourWrites) {
        this.readYourWrites = readYourWrites;
    }

    public @Nullable Duration getReplicaStatementTimeout() {
        return this.replicaStatementTimeout;
    }

    public void setReplicaStatementTimeout(@Nullable Duration replicaStatementTimeout) {
        this.replicaStatementTimeout = replicaStatementTimeout;
    }
}
