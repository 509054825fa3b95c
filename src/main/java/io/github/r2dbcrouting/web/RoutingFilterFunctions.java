package io.github.r2dbcrouting.web;

import io.github.r2dbcrouting.Route;
import io.github.r2dbcrouting.Routing;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@link HandlerFilterFunction}s that route functional endpoints, as {@link UsePrimary} and {@link UseReplica} do
 * for annotated controllers.
 * <p>
 * The route covers the handler and the writing of its response body, which WebFlux subscribes to after the
 * handler returned. It wins over the {@link RoutingWebFilter}'s default and keeps the request's sticky replica;
 * explicit operators in the handler's code still win over it.
 * <pre class="code">
 * RouterFunction&lt;ServerResponse&gt; reports = RouterFunctions.route()
 *     .POST("/reports/search", handler::search)
 *     .filter(RoutingFilterFunctions.useReplica())
 *     .build();
 * </pre>
 */
public final class RoutingFilterFunctions {

    private static final HandlerFilterFunction<ServerResponse, ServerResponse> USE_PRIMARY = route(Route.PRIMARY);

    private static final HandlerFilterFunction<ServerResponse, ServerResponse> USE_REPLICA = route(Route.REPLICA);

    private RoutingFilterFunctions() {
    }

    /**
     * Route the filtered endpoints to the primary.
     *
     * @return a filter for {@code RouterFunction.filter} or {@code RouterFunctions.Builder.filter}
     */
    public static HandlerFilterFunction<ServerResponse, ServerResponse> usePrimary() {
        return USE_PRIMARY;
    }

    /**
     * Route the filtered endpoints to a replica.
     *
     * @return a filter for {@code RouterFunction.filter} or {@code RouterFunctions.Builder.filter}
     */
    public static HandlerFilterFunction<ServerResponse, ServerResponse> useReplica() {
        return USE_REPLICA;
    }

    /**
     * Route the filtered endpoints to {@code route}.
     *
     * @param route where their connections should come from
     * @return a filter for {@code RouterFunction.filter} or {@code RouterFunctions.Builder.filter}
     * @throws IllegalArgumentException if {@code route} is {@code null}
     */
    public static HandlerFilterFunction<ServerResponse, ServerResponse> route(Route route) {
        if (route == null) {
            throw new IllegalArgumentException("route must not be null");
        }
        return (request, next) -> next.handle(request)
                .<ServerResponse>map(response -> new RoutedServerResponse(response, route))
                .contextWrite(Routing.withRoute(route));
    }
}
