/**
 * Spring WebFlux integration: the {@link io.github.r2dbcrouting.web.RoutingWebFilter} routes each request by its
 * HTTP method, {@link io.github.r2dbcrouting.web.UsePrimary @UsePrimary} and
 * {@link io.github.r2dbcrouting.web.UseReplica @UseReplica} override that for an annotated handler, and
 * {@link io.github.r2dbcrouting.web.RoutingFilterFunctions} does the same for functional endpoints.
 * <p>
 * Needs {@code spring-webflux}, an optional dependency of this library.
 */
@NullMarked
package io.github.r2dbcrouting.web;

import org.jspecify.annotations.NullMarked;
