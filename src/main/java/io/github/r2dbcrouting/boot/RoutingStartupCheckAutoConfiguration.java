package io.github.r2dbcrouting.boot;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The startup check of the router's targets ({@code spring.r2dbc.routing.startup-check}, {@code warn} by default),
 * when the router is configured by {@code spring.r2dbc.routing.*} properties.
 */
@AutoConfiguration(after = RoutingConnectionFactoryAutoConfiguration.class)
@Conditional(OnRoutingPropertiesCondition.class)
@ConditionalOnSingleCandidate(RoutingConnectionFactory.class)
@EnableConfigurationProperties(RoutingProperties.class)
public final class RoutingStartupCheckAutoConfiguration {

    @Bean
    RoutingStartupCheck routingStartupCheck(RoutingConnectionFactory router, RoutingProperties properties) {
        return new RoutingStartupCheck(router, properties);
    }
}
