package io.github.r2dbcrouting;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcTransientResourceException;

/**
 * Signals that the primary did not hand out a connection: writes cannot proceed until it is back. The cause is the
 * pool's or driver's error (connection refused, acquisition timeout, ...). The message says whether replica reads go
 * on, from the replicas' states when it was made.
 */
public final class PrimaryUnavailableException extends R2dbcTransientResourceException {

    private static final long serialVersionUID = 1L;

    private PrimaryUnavailableException(String reason, Throwable cause) {
        super(reason, cause instanceof R2dbcException r2dbc ? r2dbc.getSqlState() : null,
                cause instanceof R2dbcException r2dbc ? r2dbc.getErrorCode() : 0, cause);
    }

    /**
     * @param replicas what replica reads do meanwhile, for example {@code replica reads go on (2 of 2 replicas UP)}
     */
    static Throwable of(Throwable cause, String replicas) {
        if (cause instanceof PrimaryUnavailableException || cause instanceof IllegalStateException) {
            return cause;
        }
        return new PrimaryUnavailableException("The primary did not hand out a connection: "
                + ReplicaSet.describe(cause) + "; writes fail until it is back; " + replicas, cause);
    }
}
