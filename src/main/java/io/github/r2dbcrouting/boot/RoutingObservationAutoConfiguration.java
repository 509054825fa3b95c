package io.github.r2dbcrouting.boot;

import io.github.r2dbcrouting.micrometer.ConnectionAcquisitionObservationConvention;
import io.github.r2dbcrouting.micrometer.RoutingObservations;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * A Micrometer {@code Observation} around each connection the router hands out, when an {@link ObservationRegistry}
 * bean exists (Spring Boot's actuator makes one): a {@link RoutingObservations} listener, which the auto-configured
 * router registers. A {@link ConnectionAcquisitionObservationConvention} bean replaces the default names.
 */
@AutoConfiguration(afterName = {
    // Spring Boot 3.5
    "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
    // Spring Boot 4
    "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
public final class RoutingObservationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    static RoutingObservations routingObservations(ObservationRegistry registry,
            ObjectProvider<ConnectionAcquisitionObservationConvention> convention) {
        return new RoutingObservations(registry, convention.getIfAvailable());
    }
}
