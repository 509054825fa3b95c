package io.github.r2dbcrouting.web;

import java.security.Principal;
import java.util.Map;

import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Chooses the cluster of a WebFlux request, for the {@link RoutingWebFilter}: from a header, a path variable or the
 * principal (a tenant id), or however the application decides. Asked after the request's handler was found, so
 * path variables are available. Requests whose handler is annotated {@link UseCluster} do not ask it.
 * <pre class="code">
 * RoutingWebFilter.builder().requestCluster(RequestCluster.header("X-Tenant")).build();
 * </pre>
 */
@FunctionalInterface
public interface RequestCluster {

    /**
     * @param exchange the request
     * @return the cluster's name; empty for the default cluster
     */
    Mono<String> cluster(ServerWebExchange exchange);

    /**
     * @param name a request header
     * @return the cluster named by that header; the default cluster when the request has none
     */
    static RequestCluster header(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("header name must not be null or blank");
        }
        return exchange -> Mono.justOrEmpty(exchange.getRequest().getHeaders().getFirst(name))
                .filter(value -> !value.isBlank());
    }

    /**
     * @param name a URI template variable of the handler's mapping, such as {@code tenant} in
     * {@code /tenants/{tenant}/orders}
     * @return the cluster named by that path variable; the default cluster when the handler's mapping has none
     */
    static RequestCluster pathVariable(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("path variable name must not be null or blank");
        }
        return exchange -> {
            Map<String, String> variables = exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
            return Mono.justOrEmpty(variables == null ? null : variables.get(name));
        };
    }

    /**
     * @return the cluster named by the authenticated principal's name; the default cluster without a principal
     */
    static RequestCluster principal() {
        return exchange -> exchange.getPrincipal().map(Principal::getName);
    }
}
