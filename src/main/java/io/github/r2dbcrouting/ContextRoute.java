package io.github.r2dbcrouting;

import org.jspecify.annotations.Nullable;

/**
 * The value stored in the Reactor Context under the one key of {@link Routing}: a route (absent when only a session
 * was opened), where it came from (for error messages; absent for the plain operators) and, inside a sticky scope,
 * the scope's shared session. Immutable.
 */
final class ContextRoute {

    static final ContextRoute PRIMARY = new ContextRoute(Route.PRIMARY, null, null);

    static final ContextRoute REPLICA = new ContextRoute(Route.REPLICA, null, null);

    static final ContextRoute AUTO = new ContextRoute(Route.AUTO, null, null);

    final @Nullable Route route;

    final @Nullable RoutingSession session;

    final @Nullable String origin;

    private ContextRoute(@Nullable Route route, @Nullable RoutingSession session, @Nullable String origin) {
        this.route = route;
        this.session = session;
        this.origin = origin;
    }

    static ContextRoute of(@Nullable Route route, @Nullable RoutingSession session) {
        return of(route, session, null);
    }

    static ContextRoute of(@Nullable Route route, @Nullable RoutingSession session, @Nullable String origin) {
        if (session == null && origin == null && route != null) {
            return switch (route) {
                case PRIMARY -> PRIMARY;
                case REPLICA -> REPLICA;
                case AUTO -> AUTO;
            };
        }
        return new ContextRoute(route, session, origin);
    }

    /**
     * @return where the route came from, for messages
     */
    String describeOrigin() {
        if (this.origin != null) {
            return this.origin;
        }
        return this.route == Route.AUTO ? "Routing.withAutoRoute()" : "Routing.withReplica() or withRoute(REPLICA)";
    }

    @Override
    public String toString() {
        return "ContextRoute[" + this.route + (this.origin == null ? "" : " from " + this.origin)
                + (this.session == null ? "" : ", " + this.session) + "]";
    }
}
