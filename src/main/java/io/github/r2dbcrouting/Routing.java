package io.github.r2dbcrouting;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Operators that choose where the {@link RoutingConnectionFactory} sends the connections of a pipeline, and a reader
 * of the current choice.
 * <p>
 * Every operator is a {@code Function<Context, Context>} for {@code contextWrite}, so it works the same on a
 * {@code Mono} and on a {@code Flux}. The Context flows from downstream to upstream: an operator routes the
 * {@code create()} calls made by the operators <em>above</em> it, and its effect ends with that pipeline. When
 * operators are nested, the innermost one (the one closest to {@code create()}) wins.
 * <pre class="code">
 * import static io.github.r2dbcrouting.Routing.withReplica;
 *
 * Flux&lt;Order&gt; orders = repository.findAll().contextWrite(withReplica());
 * Mono&lt;Order&gt; order = repository.findById(id).contextWrite(withReplica());
 * </pre>
 * Without any operator, connections come from the primary.
 */
public final class Routing {

    /**
     * The one Context key this library writes; read what is under it with {@link #currentRoute(ContextView)},
     * {@link #explicitRoute(ContextView)} and {@link #currentSession(ContextView)}.
     */
    private static final String CONTEXT_KEY = Routing.class.getName() + ".ROUTE";

    private static final Function<Context, Context> WITH_REPLICA = context -> withRoute(context, Route.REPLICA);

    private static final Function<Context, Context> WITH_PRIMARY = context -> withRoute(context, Route.PRIMARY);

    private static final Function<Context, Context> WITH_AUTO = context -> withRoute(context, Route.AUTO);

    private static final Function<Context, Context> WITH_STICKY_REPLICA = Routing::withNewSession;

    private Routing() {
    }

    /**
     * Route the connections created upstream of this operator to a replica.
     * <p>
     * Enrich the Context visible from downstream for the benefit of upstream operators: every
     * {@link RoutingConnectionFactory#create()} subscribed above this point, and not overridden by an inner
     * operator, obtains a replica connection. A transaction that is already open keeps its own connection.
     * <pre class="code">
     * repository.findAll().contextWrite(Routing.withReplica());
     * </pre>
     *
     * @return a function for {@code contextWrite}
     */
    public static Function<Context, Context> withReplica() {
        return WITH_REPLICA;
    }

    /**
     * Route the connections created upstream of this operator to the primary, also inside an outer
     * {@link #withReplica()}.
     * <p>
     * Enrich the Context visible from downstream for the benefit of upstream operators.
     * <pre class="code">
     * repository.findById(id).contextWrite(Routing.withPrimary());
     * </pre>
     *
     * @return a function for {@code contextWrite}
     */
    public static Function<Context, Context> withPrimary() {
        return WITH_PRIMARY;
    }

    /**
     * Let each connection created upstream of this operator pick its server from its first unit of work (see
     * {@link Route#AUTO}): a non-locking read or a read-only transaction runs on a replica; a write, a locking read,
     * a read-write transaction or an unrecognised statement runs on the primary, and the connection stays there.
     * <p>
     * Enrich the Context visible from downstream for the benefit of upstream operators. Suits code outside any web
     * request, such as a scheduled job, that mixes reads and writes.
     * <pre class="code">
     * repository.findAll().contextWrite(Routing.withAutoRoute());      // a replica
     * repository.save(order).contextWrite(Routing.withAutoRoute());    // the primary
     * </pre>
     *
     * @return a function for {@code contextWrite}
     */
    public static Function<Context, Context> withAutoRoute() {
        return WITH_AUTO;
    }

    /**
     * Route the connections created upstream of this operator to {@code route}.
     *
     * @param route where connections should come from
     * @return a function for {@code contextWrite}
     * @throws IllegalArgumentException if {@code route} is {@code null}
     */
    public static Function<Context, Context> withRoute(Route route) {
        if (route == null) {
            throw new IllegalArgumentException("route must not be null");
        }
        return switch (route) {
            case PRIMARY -> WITH_PRIMARY;
            case REPLICA -> WITH_REPLICA;
            case AUTO -> WITH_AUTO;
        };
    }

    /**
     * Route the connections created upstream of this operator to {@code route}, and say where the route came from:
     * a {@link WriteOnReplicaRouteException} names {@code origin}, so that whoever reads it finds the code to
     * change. Integrations use this, for example a web filter with the request's method and path.
     *
     * @param route where connections should come from
     * @param origin a short description of what chose the route, such as {@code "GET /orders (RoutingWebFilter)"}
     * @return a function for {@code contextWrite}
     * @throws IllegalArgumentException if {@code route} or {@code origin} is {@code null}
     */
    public static Function<Context, Context> withRoute(Route route, String origin) {
        if (route == null) {
            throw new IllegalArgumentException("route must not be null");
        }
        if (origin == null) {
            throw new IllegalArgumentException("origin must not be null");
        }
        return context -> {
            ContextRoute current = read(context);
            return context.put(CONTEXT_KEY, ContextRoute.of(route, current == null ? null : current.session, origin));
        };
    }

    /**
     * Open a sticky scope: every replica-routed {@code create()} upstream of this operator uses the same replica,
     * so two reads of one request never see two different replication positions (monotonic reads).
     * <p>
     * This does not change the route: combine it with {@link #withReplica()} or let an inner operator decide. The
     * replica is chosen by the first replica-routed {@code create()} of the scope. A new scope starts with every
     * subscription. The scope also remembers its own writes, so that its later replica reads see them (see
     * {@link ReadYourWrites}).
     * <pre class="code">
     * Mono.zip(orders.count(), orders.findLatest())
     *     .contextWrite(Routing.withReplica())
     *     .contextWrite(Routing.withStickyReplica());
     * </pre>
     *
     * @return a function for {@code contextWrite}
     */
    public static Function<Context, Context> withStickyReplica() {
        return WITH_STICKY_REPLICA;
    }

    /**
     * Bind {@code session} to the connections created upstream of this operator: their replica reads stick to one
     * replica and see the session's writes (see {@link ReadYourWrites}). Like {@link #withStickyReplica()}, but
     * with a session the caller keeps, for example to carry its last write to the client's next request.
     * <p>
     * Enrich the Context visible from downstream for the benefit of upstream operators. The route is unchanged.
     * <pre class="code">
     * RoutingSession session = new RoutingSession();
     * handler.handle(request).contextWrite(Routing.withSession(session))
     *     .doOnSuccess(response -&gt; remember(session.lastWritePosition()));
     * </pre>
     *
     * @param session the session to share
     * @return a function for {@code contextWrite}
     * @throws IllegalArgumentException if {@code session} is {@code null}
     */
    public static Function<Context, Context> withSession(RoutingSession session) {
        if (session == null) {
            throw new IllegalArgumentException("session must not be null");
        }
        return context -> withSession(context, session);
    }

    /**
     * Read the session bound to this Context by {@link #withStickyReplica()} or {@link #withSession(RoutingSession)}.
     *
     * @param context a Context
     * @return the session, or {@code null} outside any
     */
    public static @Nullable RoutingSession currentSession(ContextView context) {
        ContextRoute current = read(context);
        return current == null ? null : current.session;
    }

    /**
     * Read the route that a {@link RoutingConnectionFactory} would use in this Context.
     *
     * @param context the Context of the subscriber that calls {@code create()}
     * @return the route; {@link Route#PRIMARY} when no operator set one (a router built with another
     * {@link RoutingConfiguration.Builder#defaultRoute(Route) defaultRoute} uses that one instead)
     */
    public static Route currentRoute(ContextView context) {
        Route route = explicitRoute(context);
        return route == null ? Route.PRIMARY : route;
    }

    /**
     * Read the route an operator set in this Context, if any: unlike {@link #currentRoute(ContextView)}, this tells
     * "no route" (where a default applies) apart from an explicit {@link Route#PRIMARY}. A sticky scope or session
     * alone sets no route.
     *
     * @param context the Context of the subscriber that calls {@code create()}
     * @return the route set by the innermost operator, or {@code null} if none set one
     */
    public static @Nullable Route explicitRoute(ContextView context) {
        ContextRoute current = read(context);
        return current == null ? null : current.route;
    }

    static @Nullable ContextRoute read(ContextView context) {
        return context.getOrDefault(CONTEXT_KEY, null);
    }

    /**
     * @return a Context that holds {@code route} alone: what a connection acquired later, outside its caller's
     * subscription, routes by
     */
    static Context context(ContextRoute route) {
        return Context.of(CONTEXT_KEY, route);
    }

    private static Context withRoute(Context context, Route route) {
        ContextRoute current = read(context);
        return context.put(CONTEXT_KEY, ContextRoute.of(route, current == null ? null : current.session));
    }

    private static Context withNewSession(Context context) {
        return withSession(context, new RoutingSession());
    }

    private static Context withSession(Context context, RoutingSession session) {
        ContextRoute current = read(context);
        return context.put(CONTEXT_KEY, current == null ? ContextRoute.of(null, session)
                : ContextRoute.of(current.route, session, current.origin));
    }
}
