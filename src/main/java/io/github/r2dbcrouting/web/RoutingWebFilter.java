package io.github.r2dbcrouting.web;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.github.r2dbcrouting.Route;
import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingSession;
import io.github.r2dbcrouting.SessionTokens;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Routes each WebFlux request: requests with a read method (GET, HEAD, OPTIONS unless configured) go to a replica,
 * every other method to the primary, and the request's handler may say otherwise with {@link UsePrimary} or
 * {@link UseReplica}.
 * <p>
 * The whole request runs in one {@link RoutingSession} ({@link Routing#withSession(RoutingSession)}): all its
 * replica reads use the same replica, so they never see two different replication positions, and they see the
 * request's own writes. The filter's route is a default: explicit
 * operators in the handler's code ({@link Routing#withReplica()}, {@link Routing#withPrimary()}), functional
 * endpoint filters of {@link RoutingFilterFunctions} and transactions are closer to the connection and win.
 * <p>
 * To read the annotations, the filter asks the application's {@link HandlerMapping}s for the request's handler
 * before the request proceeds, as the {@code DispatcherHandler} does afterwards; a handler method's annotation wins
 * over its class's. With {@link Builder#enabled(boolean) enabled(false)} (the kill-switch) every request goes to
 * the primary unless its handler is annotated {@code @UseReplica}.
 * <p>
 * With {@link Builder#sessionTokens(SessionTokens) session tokens}, a client also reads its own writes across
 * requests: a response to a request that wrote carries a signed token, as the {@value #SESSION_HEADER} header and
 * the {@value #SESSION_COOKIE} cookie, holding the write's replication position and time. The client's next request
 * that sends it back (either way) resumes that session, so its replica reads wait for the write or go to the
 * primary (see {@link io.github.r2dbcrouting.ReadYourWrites}). A forged, expired or malformed token is ignored.
 * <pre class="code">
 * &#64;Bean
 * RoutingWebFilter routingWebFilter(ObjectProvider&lt;HandlerMapping&gt; handlerMappings) {
 *     return RoutingWebFilter.builder()
 *         .readMethods(List.of("GET", "HEAD"))
 *         .handlerMappings(() -&gt; handlerMappings.orderedStream().toList())
 *         .build();
 * }
 * </pre>
 */
public final class RoutingWebFilter implements WebFilter, Ordered {

    /**
     * The order of the filter: after Spring's {@code HiddenHttpMethodFilter} (-10000), so that the method is final,
     * and before Spring Security (-100), so that security's own queries are routed too.
     */
    public static final int ORDER = -5000;

    /**
     * The response and request header that carries a session token, for API clients.
     */
    public static final String SESSION_HEADER = "X-Routing-Session";

    /**
     * The cookie that carries a session token, for browsers.
     */
    public static final String SESSION_COOKIE = "ROUTING_SESSION";

    private static final Logger logger = Loggers.getLogger(RoutingWebFilter.class);

    private final Set<String> readMethods;

    private final boolean enabled;

    private final HandlerRoutes handlerRoutes;

    private final @Nullable SessionTokens sessionTokens;

    private final boolean autoRoute;

    private RoutingWebFilter(Set<String> readMethods, boolean enabled, HandlerRoutes handlerRoutes,
            @Nullable SessionTokens sessionTokens, boolean autoRoute) {
        this.readMethods = readMethods;
        this.enabled = enabled;
        this.handlerRoutes = handlerRoutes;
        this.sessionTokens = sessionTokens;
        this.autoRoute = autoRoute;
    }

    /**
     * Start building a filter.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return this.handlerRoutes.find(exchange)
                .defaultIfEmpty(methodRoute(exchange))
                .flatMap(route -> {
                    if (logger.isDebugEnabled()) {
                        logger.debug("Routing {} {} to {}", exchange.getRequest().getMethod(),
                                exchange.getRequest().getPath(), route);
                    }
                    if (route == Route.PRIMARY) {
                        return chain.filter(exchange).contextWrite(Routing.withRoute(route));
                    }
                    // Named in the error of a write that a replica-routed connection refuses.
                    String origin = exchange.getRequest().getMethod().name() + " " + exchange.getRequest().getPath()
                            + " (RoutingWebFilter)";
                    return chain.filter(exchange).contextWrite(Routing.withRoute(route, origin));
                })
                .contextWrite(Routing.withSession(session(exchange)));
    }

    private RoutingSession session(ServerWebExchange exchange) {
        SessionTokens tokens = this.sessionTokens;
        if (tokens == null) {
            return new RoutingSession();
        }
        RoutingSession resumed = tokens.decode(token(exchange));
        RoutingSession session = resumed != null ? resumed : new RoutingSession();
        Instant known = session.lastWriteTime();
        ServerHttpResponse response = exchange.getResponse();
        response.beforeCommit(() -> Mono.fromRunnable(() -> {
            if (session.lastWriteTime() != null && !Objects.equals(session.lastWriteTime(), known)) {
                String token = tokens.encode(session);
                if (token != null) {
                    response.getHeaders().set(SESSION_HEADER, token);
                    response.addCookie(ResponseCookie.from(SESSION_COOKIE, token)
                            .path("/")
                            .httpOnly(true)
                            .sameSite("Lax")
                            .maxAge(tokens.maxAge())
                            .build());
                }
            }
        }));
        return session;
    }

    private static @Nullable String token(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(SESSION_HEADER);
        if (header != null) {
            return header;
        }
        HttpCookie cookie = exchange.getRequest().getCookies().getFirst(SESSION_COOKIE);
        return cookie == null ? null : cookie.getValue();
    }

    private Route methodRoute(ServerWebExchange exchange) {
        if (this.autoRoute && this.enabled) {
            return Route.AUTO;
        }
        boolean read = this.enabled && this.readMethods.contains(exchange.getRequest().getMethod().name());
        return read ? Route.REPLICA : Route.PRIMARY;
    }

    /**
     * @return {@value #ORDER}
     */
    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public String toString() {
        return "RoutingWebFilter[enabled=" + this.enabled + ", readMethods=" + this.readMethods + ", autoRoute="
                + this.autoRoute + ", sessionTokens=" + (this.sessionTokens != null) + "]";
    }

    /**
     * Builds a {@link RoutingWebFilter}.
     */
    public static final class Builder {

        private Set<String> readMethods = Set.of("GET", "HEAD", "OPTIONS");

        private boolean enabled = true;

        private Supplier<List<HandlerMapping>> handlerMappings = List::of;

        private @Nullable SessionTokens sessionTokens;

        private boolean autoRoute;

        private Builder() {
        }

        /**
         * Whether requests without a {@link UsePrimary}/{@link UseReplica} handler take the
         * {@link Route#AUTO auto route} instead of the method rule: each connection of the request then picks its
         * server from its first unit of work, so a GET that writes writes on the primary, and a POST that only
         * reads reads from a replica. {@link #readMethods(Collection) readMethods} no longer matter. Defaults to
         * {@code false}.
         *
         * @param autoRoute whether to use the auto route
         * @return this builder
         */
        public Builder autoRoute(boolean autoRoute) {
            this.autoRoute = autoRoute;
            return this;
        }

        /**
         * Carry each client's last write to its next request in a signed token (header {@value #SESSION_HEADER},
         * cookie {@value #SESSION_COOKIE}), so that it reads its own writes across requests. Off unless set.
         *
         * @param sessionTokens the codec, with the key every instance of the application shares
         * @return this builder
         * @throws IllegalArgumentException if {@code sessionTokens} is {@code null}
         */
        public Builder sessionTokens(SessionTokens sessionTokens) {
            if (sessionTokens == null) {
                throw new IllegalArgumentException("sessionTokens must not be null");
            }
            this.sessionTokens = sessionTokens;
            return this;
        }

        /**
         * The HTTP methods whose requests go to a replica. Defaults to {@code GET}, {@code HEAD} and
         * {@code OPTIONS}. Case does not matter.
         *
         * @param readMethods method names; may be empty
         * @return this builder
         * @throws IllegalArgumentException if {@code readMethods} is {@code null} or holds a blank name
         */
        public Builder readMethods(Collection<String> readMethods) {
            if (readMethods == null) {
                throw new IllegalArgumentException("readMethods must not be null");
            }
            for (String method : readMethods) {
                if (method == null || method.isBlank()) {
                    throw new IllegalArgumentException("readMethods must not hold a blank method, was "
                            + readMethods);
                }
            }
            this.readMethods = readMethods.stream()
                    .map(method -> method.trim().toUpperCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet());
            return this;
        }

        /**
         * Whether read methods go to a replica. With {@code false} every request goes to the primary unless its
         * handler is annotated {@link UseReplica}. Defaults to {@code true}.
         *
         * @param enabled whether to route read methods to a replica
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * Where to find the handler of a request, to read its {@link UsePrimary} and {@link UseReplica}
         * annotations: the application's {@link HandlerMapping}s in the {@code DispatcherHandler}'s order. Called
         * once, on the first request. Without it, the filter routes by method only.
         *
         * @param handlerMappings supplies the handler mappings, sorted
         * @return this builder
         * @throws IllegalArgumentException if {@code handlerMappings} is {@code null}
         */
        public Builder handlerMappings(Supplier<List<HandlerMapping>> handlerMappings) {
            if (handlerMappings == null) {
                throw new IllegalArgumentException("handlerMappings must not be null");
            }
            this.handlerMappings = handlerMappings;
            return this;
        }

        /**
         * @return a new filter
         */
        public RoutingWebFilter build() {
            return new RoutingWebFilter(this.readMethods, this.enabled, new HandlerRoutes(this.handlerMappings),
                    this.sessionTokens, this.autoRoute);
        }
    }
}
