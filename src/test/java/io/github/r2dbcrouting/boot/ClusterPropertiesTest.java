package io.github.r2dbcrouting.boot;

import java.time.Duration;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.cluster.ClusterResolver;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

final class ClusterPropertiesTest {

    private static final String[] ORDERS_AND_BILLING = {
        "spring.r2dbc.routing.primary.url=r2dbc:mysql://app:app-secret@127.0.0.1:1/orders",
        "spring.r2dbc.routing.max-lag=3s",
        "spring.r2dbc.routing.fallback-to-primary=false",
        "spring.r2dbc.routing.replicas[0].url=r2dbc:mysql://app:app-secret@127.0.0.1:2/orders",
        "spring.r2dbc.routing.clusters.billing.primary.url=r2dbc:mysql://127.0.0.1:4/billing",
        "spring.r2dbc.routing.clusters.billing.primary.username=app",
        "spring.r2dbc.routing.clusters.billing.primary.password=app-secret",
        "spring.r2dbc.routing.clusters.billing.replicas[0].url=r2dbc:mysql://app:app-secret@127.0.0.1:5/billing",
        "spring.r2dbc.routing.clusters.billing.replicas[1].name=billing-reporting",
        "spring.r2dbc.routing.clusters.billing.replicas[1].url=r2dbc:mysql://app:app-secret@127.0.0.1:6/billing",
        "spring.r2dbc.routing.clusters.billing.max-lag=9s",
        "spring.r2dbc.routing.clusters.billing.pool.initial-size=1",
        "spring.r2dbc.routing.clusters.billing.pool.max-size=3",
        "spring.r2dbc.routing.clusters.analytics.primary.url=r2dbc:mysql://app:app-secret@127.0.0.1:7/analytics",
        "spring.r2dbc.routing.max-clusters=8",
        // Nothing listens on these ports: do not probe them.
        "spring.r2dbc.routing.monitoring.enabled=false",
    };

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RoutingConnectionFactoryAutoConfiguration.class));

    @Test
    void clustersComeFromPropertiesWithTheSharedSettingsTheyDoNotChange() {
        this.runner.withPropertyValues(ORDERS_AND_BILLING).run(context -> {
            RoutingConfiguration configuration = context.getBean(RoutingConnectionFactory.class).configuration();
            assertThat(configuration.getClusters()).containsOnlyKeys("billing", "analytics");
            RoutingConfiguration billing = configuration.getClusters().get("billing");
            assertThat(billing.getReplicas()).extracting(RoutingConfiguration.Target::name)
                    .containsExactly("replica-1", "billing-reporting");
            assertThat(billing.getMaxLag()).isEqualTo(Duration.ofSeconds(9));
            assertThat(billing.isFallbackToPrimary()).isFalse();
            assertThat(configuration.getClusters().get("analytics").getMaxLag()).isEqualTo(Duration.ofSeconds(3));
            assertThat(configuration.getMaxLag()).isEqualTo(Duration.ofSeconds(3));
            assertThat(configuration.getMaxClusters()).isEqualTo(8);
        });
    }

    @Test
    void aClusterWithoutPrimaryUrlFailsNamingItsProperty() {
        this.runner.withPropertyValues(ORDERS_AND_BILLING)
                .withPropertyValues("spring.r2dbc.routing.clusters.ledger.replicas[0].url=r2dbc:mysql://127.0.0.1:8/x")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(InvalidRoutingPropertyException.class)
                        .satisfies(error -> assertThat(((InvalidRoutingPropertyException) error).property())
                                .isEqualTo("spring.r2dbc.routing.clusters.ledger.primary.url")));
    }

    @Test
    void aClusterReplicaWithAMalformedUrlFailsNamingItsPropertyWithoutItsPassword() {
        this.runner.withPropertyValues(ORDERS_AND_BILLING)
                .withPropertyValues("spring.r2dbc.routing.clusters.billing.replicas[0].url=mysql://app:topsecret@h/x")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(InvalidRoutingPropertyException.class)
                        .satisfies(error -> assertThat(((InvalidRoutingPropertyException) error).property())
                                .isEqualTo("spring.r2dbc.routing.clusters.billing.replicas[0].url"))
                        .hasMessageNotContaining("topsecret"));
    }

    @Test
    void aClusterPoolSmallerThanTheSharedInitialSizeFailsNamingTheClusterProperty() {
        this.runner.withPropertyValues(ORDERS_AND_BILLING)
                .withPropertyValues("spring.r2dbc.routing.clusters.analytics.pool.max-size=2")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(InvalidRoutingPropertyException.class)
                        .satisfies(error -> assertThat(((InvalidRoutingPropertyException) error).property())
                                .isEqualTo("spring.r2dbc.routing.clusters.analytics.pool.max-size")));
    }

    @Test
    void theDefaultClusterCannotBeConfiguredAsANamedOne() {
        this.runner.withPropertyValues(ORDERS_AND_BILLING)
                .withPropertyValues("spring.r2dbc.routing.clusters.default.primary.url=r2dbc:mysql://127.0.0.1:9/x")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(InvalidRoutingPropertyException.class)
                        .satisfies(error -> assertThat(((InvalidRoutingPropertyException) error).property())
                                .isEqualTo("spring.r2dbc.routing.clusters.default")));
    }

    @Test
    void aClusterResolverBeanResolvesTheOtherClusters() {
        ClusterResolver resolver = (name, defaults) -> Mono.empty();
        this.runner.withPropertyValues(ORDERS_AND_BILLING)
                .withBean(ClusterResolver.class, () -> resolver)
                .run(context -> assertThat(context.getBean(RoutingConnectionFactory.class).configuration()
                        .getClusterResolver()).isSameAs(resolver));
    }
}
