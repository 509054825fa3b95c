package io.github.r2dbcrouting.boot;

import java.util.Base64;

import io.github.r2dbcrouting.ReadYourWrites;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.SessionTokens;
import io.github.r2dbcrouting.web.RoutingWebFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.WebFilter;

/**
 * Provides the {@link RoutingWebFilter} in a reactive web application whose {@code ConnectionFactory} is a
 * {@link RoutingConnectionFactory}, configured by {@code spring.r2dbc.routing.web.*}; backs off when the
 * application defines its own {@code RoutingWebFilter}.
 */
@AutoConfiguration(after = RoutingConnectionFactoryAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({WebFilter.class, DispatcherHandler.class})
@ConditionalOnBean(RoutingConnectionFactory.class)
@EnableConfigurationProperties(RoutingProperties.class)
public final class RoutingWebFluxAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RoutingWebFilter routingWebFilter(RoutingProperties properties, ObjectProvider<HandlerMapping> handlerMappings) {
        RoutingProperties.Web web = properties.getWeb();
        RoutingWebFilter.Builder filter = RoutingWebFilter.builder()
                .enabled(web.isEnabled())
                .readMethods(web.getReadMethods())
                .autoRoute(web.isAutoRoute())
                .handlerMappings(() -> handlerMappings.orderedStream().toList());
        RoutingProperties.SessionToken token = web.getSessionToken();
        if (token.isEnabled() && properties.getReadYourWrites() != ReadYourWrites.NONE) {
            filter.sessionTokens(sessionTokens(token));
        }
        return filter.build();
    }

    private static SessionTokens sessionTokens(RoutingProperties.SessionToken token) {
        String key = token.getKey();
        if (key == null || key.isBlank()) {
            return SessionTokens.withRandomKey(token.getMaxAge());
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(key.trim());
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidRoutingPropertyException("spring.r2dbc.routing.web.session-token.key",
                    "is not valid Base64", "Set it to the Base64 of at least 32 random bytes, for example the "
                            + "output of 'openssl rand -base64 32', or remove it to use a key generated at startup");
        }
        if (bytes.length < 32) {
            throw new InvalidRoutingPropertyException("spring.r2dbc.routing.web.session-token.key",
                    "holds " + bytes.length + " bytes, fewer than 32", "Set it to the Base64 of at least 32 random "
                            + "bytes, for example the output of 'openssl rand -base64 32'");
        }
        return SessionTokens.of(bytes, token.getMaxAge());
    }
}
