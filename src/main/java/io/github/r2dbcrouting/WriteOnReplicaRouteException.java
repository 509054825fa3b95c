package io.github.r2dbcrouting;

import io.r2dbc.spi.R2dbcNonTransientResourceException;

/**
 * Signals that a unit of work a replica cannot run (a write, a locking read, a read-write transaction) was refused
 * before anything was sent: on the replica route with {@link WritesOnReplicaRoute#FAIL}, or inside a read-only
 * transaction that runs on a replica, which never moves to another server. The message names the statement's first
 * keyword, where the route came from, and what to change.
 */
public final class WriteOnReplicaRouteException extends R2dbcNonTransientResourceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param reason what was refused, why, and what to change
     */
    public WriteOnReplicaRouteException(String reason) {
        super(reason);
    }
}
