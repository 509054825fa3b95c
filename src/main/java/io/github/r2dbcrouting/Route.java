package io.github.r2dbcrouting;

/**
 * Where a unit of work should run.
 *
 * @see Routing#currentRoute(reactor.util.context.ContextView)
 */
public enum Route {

    /**
     * The primary: it accepts writes and is always up to date. The route when nothing else is said.
     */
    PRIMARY,

    /**
     * One of the replicas: read-only, possibly behind the primary.
     */
    REPLICA
}
