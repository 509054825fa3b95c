package io.github.r2dbcrouting.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Stops startup when a property under {@code spring.r2dbc.routing} is none of this library's (see
 * {@link UnknownRoutingProperties}), before the router is built from the others.
 */
@AutoConfiguration(before = RoutingConnectionFactoryAutoConfiguration.class)
@Conditional(OnRoutingPropertiesCondition.class)
public final class RoutingPropertiesCheckAutoConfiguration {

    @Bean
    static RoutingPropertiesCheck routingPropertiesCheck(Environment environment) {
        UnknownRoutingProperties.check(environment);
        return new RoutingPropertiesCheck();
    }

    /**
     * The mark that the properties were checked.
     */
    static final class RoutingPropertiesCheck {
    }
}
