package io.github.r2dbcrouting.clusterapp;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.clusterapp.billing.BillingEntries;
import io.github.r2dbcrouting.clusterapp.orders.OrderEntries;
import io.github.r2dbcrouting.transaction.RoutingTransactionManager;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.data.r2dbc.repository.config.EnableR2dbcRepositories;
import org.springframework.transaction.ReactiveTransactionManager;

/**
 * Two repository groups and two transaction managers over one router: the default cluster's, and the billing
 * cluster's through {@code router.cluster("billing")}.
 */
@SpringBootApplication
public class ClusterTestApplication {

    @Bean
    @Primary
    R2dbcEntityTemplate r2dbcEntityTemplate(RoutingConnectionFactory router) {
        return new R2dbcEntityTemplate(router);
    }

    @Bean
    R2dbcEntityTemplate billingTemplate(RoutingConnectionFactory router) {
        return new R2dbcEntityTemplate(router.cluster("billing"));
    }

    @Bean
    @Primary
    ReactiveTransactionManager transactionManager(RoutingConnectionFactory router) {
        return new RoutingTransactionManager(router);
    }

    @Bean
    ReactiveTransactionManager billingTransactionManager(RoutingConnectionFactory router) {
        return new RoutingTransactionManager(router.cluster("billing"));
    }

    /** The default cluster's repositories. */
    @Configuration(proxyBeanMethods = false)
    @EnableR2dbcRepositories(basePackageClasses = OrderEntries.class, entityOperationsRef = "r2dbcEntityTemplate")
    static class OrderRepositories {
    }

    /** The billing cluster's repositories. */
    @Configuration(proxyBeanMethods = false)
    @EnableR2dbcRepositories(basePackageClasses = BillingEntries.class, entityOperationsRef = "billingTemplate")
    static class BillingRepositories {
    }
}
