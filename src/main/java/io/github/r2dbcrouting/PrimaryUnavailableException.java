package io.github.r2dbcrouting;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcTransientResourceException;

/**
 * Signals that the primary did not hand out a connection: writes cannot proceed until it is back. The cause is the
 * pool's or driver's error (connection refused, acquisition timeout, ...). Replica reads are not affected.
 */
public final class PrimaryUnavailableException extends R2dbcTransientResourceException {

    private static final long serialVersionUID = 1L;

    private PrimaryUnavailableException(String reason, Throwable cause) {
        super(reason, cause instanceof R2dbcException r2dbc ? r2dbc.getSqlState() : null,
                cause instanceof R2dbcException r2dbc ? r2dbc.getErrorCode() : 0, cause);
    }

    static Throwable of(Throwable cause) {
        if (cause instanceof PrimaryUnavailableException || cause instanceof IllegalStateException) {
            return cause;
        }
        return new PrimaryUnavailableException("The primary did not hand out a connection: "
                + ReplicaSet.describe(cause) + "; writes fail until it is back, replica reads go on", cause);
    }
}
