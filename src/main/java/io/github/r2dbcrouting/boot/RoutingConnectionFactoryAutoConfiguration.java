package io.github.r2dbcrouting.boot;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.cluster.ClusterResolver;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Builds the application's one {@link ConnectionFactory}, a {@link RoutingConnectionFactory} with a pool per target,
 * from the {@code spring.r2dbc.routing.*} properties. Spring Data R2DBC, {@code DatabaseClient} and
 * {@code R2dbcEntityTemplate} use it as they would use Spring Boot's own.
 * <p>
 * Active when a {@code spring.r2dbc.routing.*} property is set; backs off when the application defines its own
 * {@code ConnectionFactory}. The pools close with the application context. The static clusters of
 * {@code spring.r2dbc.routing.clusters.*} open with it; a {@link ClusterResolver} bean, if any, resolves the others.
 */
@AutoConfiguration(before = R2dbcAutoConfiguration.class)
@ConditionalOnClass({ConnectionFactory.class, ConnectionPool.class})
@Conditional(OnRoutingPropertiesCondition.class)
@EnableConfigurationProperties(RoutingProperties.class)
public final class RoutingConnectionFactoryAutoConfiguration {

    @Bean(destroyMethod = "dispose")
    @ConditionalOnMissingBean(ConnectionFactory.class)
    RoutingConnectionFactory connectionFactory(RoutingProperties properties,
            ObjectProvider<ClusterResolver> clusterResolver) {
        RoutingConfiguration.Builder configuration = new RoutingPropertiesMapper(properties).builder();
        clusterResolver.ifAvailable(configuration::clusterResolver);
        return new RoutingConnectionFactory(configuration.build());
    }
}
