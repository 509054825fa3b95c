package io.github.r2dbcrouting.boot;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.transaction.RoutingTransactionManager;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcTransactionManagerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.transaction.ReactiveTransactionManager;

/**
 * Provides a {@link RoutingTransactionManager} as the {@link ReactiveTransactionManager}, so that
 * {@code @Transactional(readOnly = true)} runs on a replica and read-write transactions on the primary.
 * <p>
 * Active when the application's one {@code ConnectionFactory} is a {@link RoutingConnectionFactory} (its bean type
 * must say so); backs off when the application defines its own {@code ReactiveTransactionManager}.
 */
@AutoConfiguration(after = RoutingConnectionFactoryAutoConfiguration.class,
        before = R2dbcTransactionManagerAutoConfiguration.class)
@ConditionalOnClass({R2dbcTransactionManager.class, ReactiveTransactionManager.class})
@ConditionalOnSingleCandidate(ConnectionFactory.class)
@ConditionalOnBean(RoutingConnectionFactory.class)
public final class RoutingTransactionManagerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ReactiveTransactionManager.class)
    RoutingTransactionManager transactionManager(ConnectionFactory connectionFactory) {
        return new RoutingTransactionManager(connectionFactory);
    }
}
