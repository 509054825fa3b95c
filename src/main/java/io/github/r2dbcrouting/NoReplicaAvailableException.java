package io.github.r2dbcrouting;

import io.r2dbc.spi.R2dbcTransientResourceException;

/**
 * Signals that a replica-routed {@code create()} found no replica to use and was not allowed to fall back to the
 * primary. The message says why and what to configure.
 */
public final class NoReplicaAvailableException extends R2dbcTransientResourceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param reason what was found, with the values, and what to change
     */
    public NoReplicaAvailableException(String reason) {
        super(reason);
    }
}
