package io.github.r2dbcrouting.boot;

import java.time.Duration;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.transaction.RoutingTransactionManager;
import io.github.r2dbcrouting.web.RoutingWebFilter;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcAutoConfiguration;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcTransactionManagerAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.web.reactive.DispatcherHandler;

import static org.assertj.core.api.Assertions.assertThat;

final class RoutingConnectionFactoryAutoConfigurationTest {

    private static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(
            RoutingConnectionFactoryAutoConfiguration.class, RoutingTransactionManagerAutoConfiguration.class,
            RoutingWebFluxAutoConfiguration.class, R2dbcAutoConfiguration.class,
            R2dbcTransactionManagerAutoConfiguration.class);

    private static final String[] CLUSTER = {
        "spring.r2dbc.routing.primary.url=r2dbc:mysql://127.0.0.1:1/app",
        "spring.r2dbc.routing.primary.username=app",
        "spring.r2dbc.routing.primary.password=app-secret",
        "spring.r2dbc.routing.replicas[0].url=r2dbc:mysql://app:app-secret@127.0.0.1:2/app",
        "spring.r2dbc.routing.replicas[1].name=reporting",
        "spring.r2dbc.routing.replicas[1].url=r2dbc:mysql://127.0.0.1:3/app",
        "spring.r2dbc.routing.replicas[1].username=app",
        "spring.r2dbc.routing.replicas[1].weight=3",
        // Nothing listens on these ports: do not probe them.
        "spring.r2dbc.routing.monitoring.enabled=false",
    };

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AUTO_CONFIGURATIONS);

    private static PoolMetrics metrics(ConnectionFactory target) {
        assertThat(target).isInstanceOf(ConnectionPool.class);
        return ((ConnectionPool) target).getMetrics().orElseThrow();
    }

    private static ConnectionFactory replica(RoutingConnectionFactory router, String name) {
        return router.replicaConnectionFactory(name);
    }

    @Test
    void propertiesBuildOneRoutingConnectionFactory() {
        this.runner.withPropertyValues(CLUSTER).run(context -> {
            assertThat(context).hasSingleBean(ConnectionFactory.class);
            RoutingConnectionFactory router = context.getBean(RoutingConnectionFactory.class);
            assertThat(router.replicas()).extracting(Replica::name).containsExactly("replica-1", "reporting");
            assertThat(router.replicas()).extracting(Replica::weight).containsExactly(1, 3);
            assertThat(router.configuration().getReplicaSelection()).hasToString("round-robin");
            assertThat(router.configuration().isFallbackToPrimary()).isTrue();
            assertThat(context.getBean(DatabaseClient.class).getConnectionFactory()).isSameAs(router);
        });
    }

    @Test
    void poolSettingsApplyToEveryTargetUnlessTheTargetOverridesThem() {
        this.runner.withPropertyValues(CLUSTER)
                .withPropertyValues("spring.r2dbc.routing.pool.initial-size=1",
                        "spring.r2dbc.routing.pool.max-size=4",
                        "spring.r2dbc.routing.primary.pool.max-size=8",
                        "spring.r2dbc.routing.replicas[1].pool.max-size=2")
                .run(context -> {
                    RoutingConnectionFactory router = context.getBean(RoutingConnectionFactory.class);
                    assertThat(metrics(router.unwrap()).getMaxAllocatedSize()).isEqualTo(8);
                    assertThat(metrics(replica(router, "replica-1")).getMaxAllocatedSize()).isEqualTo(4);
                    assertThat(metrics(replica(router, "reporting")).getMaxAllocatedSize()).isEqualTo(2);
                });
    }

    @Test
    void replicaSelectionAndFallbackComeFromProperties() {
        this.runner.withPropertyValues(CLUSTER)
                .withPropertyValues("spring.r2dbc.routing.replica-selection=least-in-use",
                        "spring.r2dbc.routing.fallback-to-primary=false")
                .run(context -> {
                    RoutingConfiguration configuration = context.getBean(RoutingConnectionFactory.class)
                            .configuration();
                    assertThat(configuration.getReplicaSelection()).hasToString("least-in-use");
                    assertThat(configuration.isFallbackToPrimary()).isFalse();
                });
    }

    @Test
    void failureSettingsComeFromProperties() {
        this.runner.withPropertyValues(CLUSTER)
                .withPropertyValues("spring.r2dbc.routing.replica-statement-timeout=3s",
                        "spring.r2dbc.routing.max-read-your-writes-waits=2")
                .run(context -> {
                    RoutingConfiguration configuration = context.getBean(RoutingConnectionFactory.class)
                            .configuration();
                    assertThat(configuration.getReplicaStatementTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(configuration.getMaxReadYourWritesWaits()).isEqualTo(2);
                });
        this.runner.withPropertyValues(CLUSTER).run(context -> assertThat(context
                .getBean(RoutingConnectionFactory.class).configuration().getReplicaStatementTimeout()).isNull());
    }

    @Test
    void transactionManagerIsARoutingTransactionManager() {
        this.runner.withPropertyValues(CLUSTER).run(context -> {
            assertThat(context).getBean(ReactiveTransactionManager.class)
                    .isInstanceOf(RoutingTransactionManager.class);
            assertThat(context.getBean(RoutingTransactionManager.class).getConnectionFactory())
                    .isSameAs(context.getBean(ConnectionFactory.class));
        });
    }

    @Test
    void poolsCloseWhenTheContextCloses() {
        RoutingConnectionFactory[] router = new RoutingConnectionFactory[1];
        this.runner.withPropertyValues(CLUSTER).run(context -> {
            router[0] = context.getBean(RoutingConnectionFactory.class);
            assertThat(router[0].isDisposed()).isFalse();
        });
        assertThat(router[0].isDisposed()).isTrue();
        assertThat(((ConnectionPool) router[0].unwrap()).isDisposed()).isTrue();
        assertThat(router[0].replicas())
                .allSatisfy(replica -> assertThat(((ConnectionPool) router[0].replicaConnectionFactory(replica.name()))
                        .isDisposed()).isTrue());
    }

    @Test
    void withoutRoutingPropertiesSpringBootConfiguresItsOwnConnectionFactory() {
        this.runner.withPropertyValues("spring.r2dbc.url=r2dbc:mysql://app@127.0.0.1:1/app").run(context -> {
            assertThat(context).hasSingleBean(ConnectionFactory.class);
            assertThat(context).doesNotHaveBean(RoutingConnectionFactory.class);
            assertThat(context).getBean(ReactiveTransactionManager.class)
                    .isExactlyInstanceOf(R2dbcTransactionManager.class);
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesAConnectionFactory() {
        this.runner.withPropertyValues(CLUSTER)
                .withUserConfiguration(OwnConnectionFactory.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(ConnectionFactory.class);
                    assertThat(context).getBean(ConnectionFactory.class).isSameAs(OwnConnectionFactory.POOL);
                    assertThat(context).doesNotHaveBean(RoutingTransactionManager.class);
                    assertThat(context).hasSingleBean(ReactiveTransactionManager.class);
                });
    }

    @Test
    void transactionManagerBacksOffWhenTheApplicationDefinesOne() {
        this.runner.withPropertyValues(CLUSTER)
                .withUserConfiguration(OwnTransactionManager.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(ReactiveTransactionManager.class);
                    assertThat(context).doesNotHaveBean(RoutingTransactionManager.class);
                    assertThat(context).hasSingleBean(RoutingConnectionFactory.class);
                });
    }

    @Test
    void withoutSpringR2dbcThereIsNoTransactionManagerButStillARouter() {
        this.runner.withPropertyValues(CLUSTER)
                .withClassLoader(new FilteredClassLoader(R2dbcTransactionManager.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(RoutingConnectionFactory.class);
                    assertThat(context).doesNotHaveBean(ReactiveTransactionManager.class);
                });
    }

    @Test
    void reactiveWebApplicationGetsTheRoutingWebFilter() {
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(AUTO_CONFIGURATIONS)
                .withPropertyValues(CLUSTER)
                .withPropertyValues("spring.r2dbc.routing.web.enabled=false",
                        "spring.r2dbc.routing.web.read-methods=get,REPORT")
                .run(context -> assertThat(context).getBean(RoutingWebFilter.class).asString()
                        .contains("enabled=false", "GET", "REPORT")
                        .doesNotContain("HEAD"));
    }

    @Test
    void withoutWebFluxThereIsNoWebFilter() {
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(AUTO_CONFIGURATIONS)
                .withPropertyValues(CLUSTER)
                .withClassLoader(new FilteredClassLoader(DispatcherHandler.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(RoutingConnectionFactory.class);
                    assertThat(context).doesNotHaveBean(RoutingWebFilter.class);
                });
    }

    @Test
    void nonWebApplicationGetsNoWebFilter() {
        this.runner.withPropertyValues(CLUSTER)
                .run(context -> assertThat(context).doesNotHaveBean(RoutingWebFilter.class));
    }

    @Test
    void autoConfigurationsAreRegisteredForSpringBoot() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
                .contains(RoutingConnectionFactoryAutoConfiguration.class.getName(),
                        RoutingTransactionManagerAutoConfiguration.class.getName(),
                        RoutingWebFluxAutoConfiguration.class.getName());
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnConnectionFactory {

        static final ConnectionFactory POOL = ConnectionFactories.get("r2dbc:mysql://app@127.0.0.1:1/app");

        @Bean
        ConnectionFactory ownConnectionFactory() {
            return POOL;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnTransactionManager {

        @Bean
        ReactiveTransactionManager ownTransactionManager(ConnectionFactory connectionFactory) {
            return new R2dbcTransactionManager(connectionFactory);
        }
    }
}
