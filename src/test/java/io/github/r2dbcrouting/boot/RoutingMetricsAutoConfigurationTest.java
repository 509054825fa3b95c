package io.github.r2dbcrouting.boot;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.micrometer.DefaultConnectionAcquisitionObservationConvention;
import io.github.r2dbcrouting.micrometer.ReplicaMetrics;
import io.github.r2dbcrouting.micrometer.RoutingMetrics;
import io.github.r2dbcrouting.micrometer.RoutingObservations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

final class RoutingMetricsAutoConfigurationTest {

    private static final String[] H2_CLUSTER = {
        "spring.r2dbc.routing.primary.url=r2dbc:h2:mem:///boot-metrics-primary",
        "spring.r2dbc.routing.replicas[0].url=r2dbc:h2:mem:///boot-metrics-replica-1",
        "spring.r2dbc.routing.replicas[1].url=r2dbc:h2:mem:///boot-metrics-replica-2",
        "spring.r2dbc.routing.pool.initial-size=0",
        "spring.r2dbc.routing.pool.max-acquire-time=30s",
        "spring.r2dbc.routing.monitoring.enabled=false",
    };

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RoutingConnectionFactoryAutoConfiguration.class,
                    RoutingMetricsAutoConfiguration.class, RoutingObservationAutoConfiguration.class))
            .withPropertyValues(H2_CLUSTER);

    private static void useOneReplicaConnection(RoutingConnectionFactory router) {
        Mono.usingWhen(router.create(), connection -> Mono.empty(), Connection::close)
                .contextWrite(Routing.withReplica())
                .as(StepVerifier::create)
                .verifyComplete();
    }

    @Test
    void meterRegistryBindsTheRoutersMetersAndEveryPool() {
        this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(RoutingMetrics.class).doesNotHaveBean(RoutingObservations.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            RoutingConnectionFactory router = context.getBean(RoutingConnectionFactory.class);

            useOneReplicaConnection(router);

            assertThat(registry.get(RoutingMetrics.CONNECTIONS).tag("route", "replica").counters())
                    .singleElement()
                    .satisfies(counter -> {
                        assertThat(counter.getId().getTag("target")).startsWith("replica-");
                        assertThat(counter.count()).isEqualTo(1);
                    });
            assertThat(registry.get("r2dbc.pool.acquired").gauges()).extracting(gauge -> gauge.getId().getTag("name"))
                    .containsExactlyInAnyOrder("primary", "replica-1", "replica-2");
            assertThat(registry.get(ReplicaMetrics.STATE).tags("replica", "replica-2", "state", "up").gauge()
                    .value()).isEqualTo(1);
        });
    }

    @Test
    void observationRegistryObservesEveryConnection() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        this.runner.withBean(ObservationRegistry.class, () -> observations).run(context -> {
            assertThat(context).hasSingleBean(RoutingObservations.class).doesNotHaveBean(RoutingMetrics.class);

            useOneReplicaConnection(context.getBean(RoutingConnectionFactory.class));

            TestObservationRegistryAssert.assertThat(observations)
                    .hasObservationWithNameEqualTo(DefaultConnectionAcquisitionObservationConvention.NAME)
                    .that()
                    .hasLowCardinalityKeyValue("route", "replica")
                    .hasLowCardinalityKeyValueWithKey("target");
        });
    }

    @Test
    void withoutMicrometerTheRouterStartsWithoutListeners() {
        this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class, ObservationRegistry.class))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(RoutingConnectionFactory.class)
                            .doesNotHaveBean(RoutingMetrics.class).doesNotHaveBean(RoutingObservations.class);
                    assertThat(context.getBean(RoutingConnectionFactory.class).configuration().getListeners())
                            .isEmpty();
                });
    }

    @Test
    void withoutARegistryBeanNothingIsBound() {
        this.runner.run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(RoutingMetrics.class).doesNotHaveBean(RoutingObservations.class));
    }

    @Test
    void aRoutingMetricsBeanOfTheApplicationReplacesTheDefault() {
        this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean("myMetrics", RoutingMetrics.class, () -> new RoutingMetrics(new SimpleMeterRegistry()))
                .run(context -> {
                    assertThat(context).hasSingleBean(RoutingMetrics.class).hasBean("myMetrics");
                    assertThat(context.getBean(RoutingConnectionFactory.class).configuration().getListeners())
                            .containsExactly(context.getBean(RoutingMetrics.class));
                });
    }
}
