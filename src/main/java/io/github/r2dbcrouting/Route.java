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
     * One of the replicas: read-only, possibly behind the primary. A connection on this route still picks its
     * server from its first unit of work: a write, a locking read or a read-write transaction runs on the primary
     * (or fails, see {@link RoutingConfiguration.Builder#writesOnReplicaRoute(WritesOnReplicaRoute)}), because a
     * replica would refuse it.
     */
    REPLICA,

    /**
     * Chosen by what the connection does: its first unit of work decides. A non-locking read or a read-only
     * transaction runs on a replica; a write, a locking read, a read-write transaction, or anything the router does
     * not recognise runs on the primary, and the connection stays there.
     */
    AUTO
}
