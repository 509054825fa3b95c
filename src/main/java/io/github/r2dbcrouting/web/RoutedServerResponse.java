package io.github.r2dbcrouting.web;

import io.github.r2dbcrouting.Route;
import io.github.r2dbcrouting.Routing;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A response whose body is written under a route: WebFlux subscribes to a functional endpoint's body only when it
 * writes the response, outside the Context of the handler's {@code Mono}.
 */
final class RoutedServerResponse implements ServerResponse {

    private final ServerResponse delegate;

    private final Route route;

    RoutedServerResponse(ServerResponse delegate, Route route) {
        this.delegate = delegate;
        this.route = route;
    }

    @Override
    public HttpStatusCode statusCode() {
        return this.delegate.statusCode();
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public int rawStatusCode() {
        return this.delegate.rawStatusCode();
    }

    @Override
    public HttpHeaders headers() {
        return this.delegate.headers();
    }

    @Override
    public MultiValueMap<String, ResponseCookie> cookies() {
        return this.delegate.cookies();
    }

    @Override
    public Mono<Void> writeTo(ServerWebExchange exchange, Context context) {
        return this.delegate.writeTo(exchange, context).contextWrite(Routing.withRoute(this.route));
    }

    @Override
    public String toString() {
        return this.delegate + " (" + this.route + ")";
    }
}
