package io.github.r2dbcrouting.web;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.r2dbcrouting.Route;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Finds the handler of a request, as the {@code DispatcherHandler} will, and reads its {@link UsePrimary} or
 * {@link UseReplica} annotation.
 */
final class HandlerRoutes {

    private final Supplier<List<HandlerMapping>> handlerMappings;

    private final Map<Method, Optional<Route>> methods = new ConcurrentHashMap<>();

    private final Map<Class<?>, Optional<Route>> types = new ConcurrentHashMap<>();

    private volatile @Nullable List<HandlerMapping> resolved;

    HandlerRoutes(Supplier<List<HandlerMapping>> handlerMappings) {
        this.handlerMappings = handlerMappings;
    }

    /**
     * @return the route that the request's handler is annotated with; empty when it has none, when no handler
     * matches, or when finding it fails (the {@code DispatcherHandler} reports that error itself)
     */
    Mono<Route> find(ServerWebExchange exchange) {
        return handler(exchange).flatMap(handler -> Mono.justOrEmpty(routeOf(handler)));
    }

    /**
     * @return the request's handler; empty when no handler matches, or when finding it fails
     */
    Mono<Object> handler(ServerWebExchange exchange) {
        return Flux.fromIterable(handlerMappings())
                .concatMap(mapping -> mapping.getHandler(exchange).onErrorResume(ex -> Mono.empty()))
                .next();
    }

    private List<HandlerMapping> handlerMappings() {
        List<HandlerMapping> mappings = this.resolved;
        if (mappings == null) {
            mappings = List.copyOf(this.handlerMappings.get());
            this.resolved = mappings;
        }
        return mappings;
    }

    Optional<Route> routeOf(Object handler) {
        if (!(handler instanceof HandlerMethod handlerMethod)) {
            return Optional.empty();
        }
        Optional<Route> route = this.methods.computeIfAbsent(handlerMethod.getMethod(), HandlerRoutes::annotated);
        if (route.isPresent()) {
            return route;
        }
        return this.types.computeIfAbsent(handlerMethod.getBeanType(), HandlerRoutes::annotated);
    }

    private static Optional<Route> annotated(AnnotatedElement element) {
        boolean primary = AnnotatedElementUtils.hasAnnotation(element, UsePrimary.class);
        boolean replica = AnnotatedElementUtils.hasAnnotation(element, UseReplica.class);
        if (primary && replica) {
            throw new IllegalStateException(element + " is annotated with both @UsePrimary and @UseReplica: keep "
                    + "one of them");
        }
        if (primary) {
            return Optional.of(Route.PRIMARY);
        }
        return replica ? Optional.of(Route.REPLICA) : Optional.empty();
    }
}
