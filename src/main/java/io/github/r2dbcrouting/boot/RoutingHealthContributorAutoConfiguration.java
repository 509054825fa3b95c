package io.github.r2dbcrouting.boot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.actuate.RoutingHealthIndicator;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointProperties;
import org.springframework.boot.actuate.health.CompositeReactiveHealthContributor;
import org.springframework.boot.actuate.health.ReactiveHealthContributor;
import org.springframework.boot.actuate.health.SimpleStatusAggregator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.actuate.health.StatusAggregator;
import org.springframework.boot.actuate.r2dbc.ConnectionFactoryHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Health of a {@link RoutingConnectionFactory} for Spring Boot Actuator:
 * <ul>
 * <li>the {@code routing} health indicator ({@link RoutingHealthIndicator}), which checks the primary and each
 * replica directly; {@code management.health.routing.enabled=false} turns it off;</li>
 * <li>a corrected {@code r2dbc} indicator: Spring Boot's own would ask the router for a connection in the health
 * request's route, so a GET's check would be answered by a replica and say UP with the primary down. This one
 * checks each router's primary ({@link RoutingConnectionFactory#unwrap()}) and every other
 * {@code ConnectionFactory} as Spring Boot does;</li>
 * <li>the default order of health statuses with {@link RoutingHealthIndicator#DEGRADED} between
 * {@code OUT_OF_SERVICE} and {@code UP}, so that the overall status says DEGRADED (HTTP 200) when no replica serves
 * reads; {@code management.endpoint.health.status.order}, when set, is used as it is.</li>
 * </ul>
 * Each backs off when the application defines a bean of the same name (or, for the order, a
 * {@code StatusAggregator}).
 */
@AutoConfiguration(after = RoutingConnectionFactoryAutoConfiguration.class, beforeName = {
        "org.springframework.boot.actuate.autoconfigure.r2dbc.ConnectionFactoryHealthContributorAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration"})
@ConditionalOnClass({ReactiveHealthContributor.class, ConditionalOnEnabledHealthIndicator.class,
        ConnectionFactoryHealthIndicator.class})
@ConditionalOnBean(RoutingConnectionFactory.class)
public final class RoutingHealthContributorAutoConfiguration {

    private static final List<String> ORDER_WITH_DEGRADED = List.of(Status.DOWN.getCode(),
            Status.OUT_OF_SERVICE.getCode(), RoutingHealthIndicator.DEGRADED.getCode(), Status.UP.getCode(),
            Status.UNKNOWN.getCode());

    @Bean
    @ConditionalOnEnabledHealthIndicator("routing")
    @ConditionalOnMissingBean(name = {"routingHealthIndicator", "routingHealthContributor"})
    ReactiveHealthContributor routingHealthContributor(Map<String, RoutingConnectionFactory> routers) {
        if (routers.size() == 1) {
            return new RoutingHealthIndicator(routers.values().iterator().next());
        }
        return CompositeReactiveHealthContributor.fromMap(routers, RoutingHealthIndicator::new);
    }

    @Bean
    @ConditionalOnEnabledHealthIndicator("routing")
    @ConditionalOnMissingBean
    StatusAggregator routingStatusAggregator(ObjectProvider<HealthEndpointProperties> properties) {
        HealthEndpointProperties health = properties.getIfAvailable();
        List<String> order = health == null ? List.of() : health.getStatus().getOrder();
        return new SimpleStatusAggregator(order.isEmpty() ? ORDER_WITH_DEGRADED : order);
    }

    @Bean
    @ConditionalOnEnabledHealthIndicator("r2dbc")
    @ConditionalOnMissingBean(name = {"r2dbcHealthIndicator", "r2dbcHealthContributor"})
    ReactiveHealthContributor r2dbcHealthContributor(Map<String, ConnectionFactory> factories) {
        Map<String, ConnectionFactory> direct = new LinkedHashMap<>();
        factories.forEach((name, factory) -> direct.put(name,
                factory instanceof RoutingConnectionFactory router ? router.unwrap() : factory));
        if (direct.size() == 1) {
            return new ConnectionFactoryHealthIndicator(direct.values().iterator().next());
        }
        return CompositeReactiveHealthContributor.fromMap(direct, ConnectionFactoryHealthIndicator::new);
    }
}
