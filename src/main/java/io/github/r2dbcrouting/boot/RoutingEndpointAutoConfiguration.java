package io.github.r2dbcrouting.boot;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.actuate.RoutingEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * The read-only {@code routing} actuator endpoint ({@link RoutingEndpoint}) of the application's
 * {@link RoutingConnectionFactory}, when the endpoint is available: expose it with
 * {@code management.endpoints.web.exposure.include=health,routing}.
 */
@AutoConfiguration(after = RoutingConnectionFactoryAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnSingleCandidate(RoutingConnectionFactory.class)
public final class RoutingEndpointAutoConfiguration {

    @Bean
    @ConditionalOnAvailableEndpoint(RoutingEndpoint.class)
    @ConditionalOnMissingBean
    RoutingEndpoint routingEndpoint(RoutingConnectionFactory router) {
        return new RoutingEndpoint(router);
    }
}
