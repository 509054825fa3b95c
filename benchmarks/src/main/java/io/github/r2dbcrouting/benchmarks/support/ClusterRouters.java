package io.github.r2dbcrouting.benchmarks.support;

import java.lang.reflect.Constructor;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;

/**
 * Routers over the stub with static clusters registered, and the same router without any cluster registry, for the
 * cluster benchmarks ({@code ClusterCreateBenchmark}, {@code CostPerOp}'s {@code cluster-*} contenders).
 */
public final class ClusterRouters {

    private ClusterRouters() {
    }

    /**
     * @return a stub primary with two stub replicas (the default cluster), and {@code clusters} static clusters
     * {@code cluster-0} ... each a stub primary with one stub replica; monitoring off
     */
    public static RoutingConfiguration configuration(int clusters) {
        RoutingConfiguration.Builder builder = RoutingConfiguration.builder()
                .monitoring(false)
                .primary(StubConnectionFactory.shared("primary"))
                .replica("replica-1", StubConnectionFactory.shared("replica-1"))
                .replica("replica-2", StubConnectionFactory.shared("replica-2"));
        for (int i = 0; i < clusters; i++) {
            String name = "cluster-" + i;
            builder.cluster(name, cluster -> cluster
                    .primary(StubConnectionFactory.shared(name + "-primary"))
                    .replica("replica-1", StubConnectionFactory.shared(name + "-replica")));
        }
        return builder.build();
    }

    /**
     * @return a router over the default cluster of {@code configuration} that has no cluster registry at all and
     * never reads the cluster key, as every router was before clusters: one built as a cluster of another, through
     * the router's package-private constructor
     */
    public static RoutingConnectionFactory withoutRegistry(RoutingConfiguration configuration) {
        try {
            Constructor<RoutingConnectionFactory> asCluster = RoutingConnectionFactory.class
                    .getDeclaredConstructor(RoutingConfiguration.class, boolean.class);
            asCluster.setAccessible(true);
            return asCluster.newInstance(configuration, true);
        }
        catch (ReflectiveOperationException ex) {
            throw new IllegalStateException("RoutingConnectionFactory(RoutingConfiguration, boolean) is gone: " + ex,
                    ex);
        }
    }
}
