package io.github.r2dbcrouting;

/**
 * How a {@link RoutingSession} makes its replica reads see its own earlier writes.
 *
 * @see RoutingConfiguration.Builder#readYourWrites(ReadYourWrites)
 */
public enum ReadYourWrites {

    /**
     * Record the GTID of each committed write; a later replica read uses a replica known to have applied it, or
     * waits on one for at most {@code readYourWritesTimeout}, or else reads from the primary. Where the server
     * reports no GTID, behaves as {@link #TIME_WINDOW}. The default.
     */
    GTID,

    /**
     * Send replica reads to the primary for {@code readYourWritesWindow} after the session's last write. For
     * servers without GTIDs; it guarantees nothing if a replica lags by more than the window.
     */
    TIME_WINDOW,

    /**
     * Do nothing: a replica read right after a write may not see it.
     */
    NONE
}
