package io.github.r2dbcrouting.boot;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.micrometer.ReplicaMetrics;
import io.github.r2dbcrouting.micrometer.RoutingMetrics;
import io.github.r2dbcrouting.micrometer.TargetPoolMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of the router, when a {@link MeterRegistry} bean exists (Spring Boot's actuator makes one):
 * a {@link RoutingMetrics} listener, which the auto-configured router registers ({@code r2dbc.routing.*}), and, for
 * the application's one {@link RoutingConnectionFactory}, its replicas' state and lag gauges ({@link ReplicaMetrics})
 * and r2dbc-pool's gauges of each of its pools tagged with the target's name ({@link TargetPoolMetrics},
 * {@code r2dbc.pool.*}).
 * <p>
 * A router of your own gets the gauges too; register the {@code RoutingMetrics} bean on its builder with
 * {@code listener(...)} for the event meters. With several routers, bind their gauges yourself, with a tag telling
 * them apart.
 */
@AutoConfiguration(after = RoutingConnectionFactoryAutoConfiguration.class, afterName = {
    // Spring Boot 3.5
    "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
    // Spring Boot 4
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, RoutingConnectionFactory.class})
@ConditionalOnBean(MeterRegistry.class)
public final class RoutingMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    static RoutingMetrics routingMetrics(MeterRegistry registry) {
        return new RoutingMetrics(registry);
    }

    @Bean
    static SmartInitializingSingleton routingGaugesBinder(ObjectProvider<RoutingConnectionFactory> routers,
            ObjectProvider<MeterRegistry> registry) {
        return () -> routers.ifUnique(router -> {
            MeterRegistry meters = registry.getObject();
            new ReplicaMetrics(router).bindTo(meters);
            new TargetPoolMetrics(router).bindTo(meters);
        });
    }
}
