package io.github.r2dbcrouting;

import org.jspecify.annotations.Nullable;

/**
 * The value stored in the Reactor Context under the one key of {@link Routing}: a route (absent when only a session
 * was opened) and, inside a sticky scope, the scope's shared session. Immutable.
 */
final class ContextRoute {

    static final ContextRoute PRIMARY = new ContextRoute(Route.PRIMARY, null);

    static final ContextRoute REPLICA = new ContextRoute(Route.REPLICA, null);

    final @Nullable Route route;

    final @Nullable RoutingSession session;

    private ContextRoute(@Nullable Route route, @Nullable RoutingSession session) {
        this.route = route;
        this.session = session;
    }

    static ContextRoute of(@Nullable Route route, @Nullable RoutingSession session) {
        if (session == null && route != null) {
            return route == Route.PRIMARY ? PRIMARY : REPLICA;
        }
        return new ContextRoute(route, session);
    }

    @Override
    public String toString() {
        return "ContextRoute[" + this.route + (this.session == null ? "" : ", " + this.session) + "]";
    }
}
