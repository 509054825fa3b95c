package io.github.r2dbcrouting.cluster;

import io.r2dbc.spi.R2dbcTransientResourceException;
import org.jspecify.annotations.Nullable;

/**
 * Signals that a {@code create()} could not open the cluster it asked for: its resolver failed, its configuration
 * could not be opened, or every open cluster had connections in use and {@code maxClusters} left no room. Nothing is
 * cached for the failure: the next {@code create()} for the cluster tries again.
 */
public final class ClusterUnavailableException extends R2dbcTransientResourceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param reason which cluster, what happened, with the values, and what to change
     * @param cause the resolver's or the driver's error, if any
     */
    public ClusterUnavailableException(String reason, @Nullable Throwable cause) {
        super(reason, cause);
    }
}
