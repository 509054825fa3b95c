package io.github.r2dbcrouting.boot;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.actuate.RoutingEndpoint;
import io.github.r2dbcrouting.actuate.RoutingHealthIndicator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.r2dbc.ConnectionFactoryHealthContributorAutoConfiguration;
import org.springframework.boot.actuate.health.ReactiveHealthContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.actuate.health.StatusAggregator;
import org.springframework.boot.actuate.r2dbc.ConnectionFactoryHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Spring Boot Actuator gets for a router: the routing health indicator, Spring Boot's r2dbc indicator pointed at
 * the primary, the DEGRADED status in the default order, and the routing endpoint; nothing without the actuator.
 */
final class RoutingActuatorAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RoutingConnectionFactoryAutoConfiguration.class,
                    RoutingHealthContributorAutoConfiguration.class, RoutingEndpointAutoConfiguration.class,
                    ConnectionFactoryHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
                    HealthEndpointAutoConfiguration.class, EndpointAutoConfiguration.class))
            .withPropertyValues("spring.r2dbc.routing.primary.url=r2dbc:h2:mem:///actuator-primary",
                    "spring.r2dbc.routing.replicas[0].url=r2dbc:h2:mem:///actuator-replica",
                    "spring.r2dbc.routing.monitoring.enabled=false", "spring.r2dbc.routing.pool.initial-size=0",
                    "spring.r2dbc.routing.startup-check=off",
                    "management.endpoints.web.exposure.include=health,routing");

    @Test
    void routingHealthAndTheR2dbcIndicatorOnThePrimaryReplaceSpringBootsIndicator() {
        this.runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean("routingHealthContributor")).isInstanceOf(RoutingHealthIndicator.class);
            ReactiveHealthContributor r2dbc = context.getBean("r2dbcHealthContributor",
                    ReactiveHealthContributor.class);
            assertThat(r2dbc).isInstanceOf(ConnectionFactoryHealthIndicator.class);
            assertThat(r2dbc).hasFieldOrPropertyWithValue("connectionFactory",
                    context.getBean(RoutingConnectionFactory.class).unwrap());
            assertThat(context.getBean(StatusAggregator.class).getAggregateStatus(Status.UP,
                    RoutingHealthIndicator.DEGRADED)).isEqualTo(RoutingHealthIndicator.DEGRADED);
            assertThat(context).hasSingleBean(RoutingEndpoint.class);
        });
    }

    @Test
    void aConfiguredStatusOrderIsUsedAsItIs() {
        this.runner.withPropertyValues("management.endpoint.health.status.order=DOWN,UP")
                .run(context -> assertThat(context.getBean(StatusAggregator.class)
                        .getAggregateStatus(Status.UP, RoutingHealthIndicator.DEGRADED)).isEqualTo(Status.UP));
    }

    @Test
    void theRoutingIndicatorCanBeTurnedOff() {
        this.runner.withPropertyValues("management.health.routing.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("routingHealthContributor"));
    }

    @Test
    void nothingWithoutTheActuator() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(RoutingConnectionFactoryAutoConfiguration.class,
                        RoutingHealthContributorAutoConfiguration.class, RoutingEndpointAutoConfiguration.class))
                .withPropertyValues("spring.r2dbc.routing.primary.url=r2dbc:h2:mem:///no-actuator-primary",
                        "spring.r2dbc.routing.monitoring.enabled=false", "spring.r2dbc.routing.pool.initial-size=0")
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(RoutingConnectionFactory.class);
                    assertThat(context).doesNotHaveBean("routingHealthContributor")
                            .doesNotHaveBean("routingEndpoint");
                });
    }
}
