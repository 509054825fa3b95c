/**
 * Spring Boot auto-configuration: a {@link io.github.r2dbcrouting.RoutingConnectionFactory} built from the
 * {@code spring.r2dbc.routing.*} properties and exposed as the application's one
 * {@link io.r2dbc.spi.ConnectionFactory}, a {@link io.github.r2dbcrouting.transaction.RoutingTransactionManager} and
 * the WebFlux {@link io.github.r2dbcrouting.web.RoutingWebFilter}.
 * <p>
 * Needs {@code spring-boot-autoconfigure}, an optional dependency of this library.
 */
@NullMarked
package io.github.r2dbcrouting.boot;

import org.jspecify.annotations.NullMarked;
