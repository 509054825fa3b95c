package io.github.r2dbcrouting.cluster;

import io.r2dbc.spi.R2dbcNonTransientResourceException;

/**
 * Signals that a {@code create()} asked for a cluster that no static cluster, resolver or URL describes. The
 * message names the cluster (with any password masked) and what is configured.
 */
public final class UnknownClusterException extends R2dbcNonTransientResourceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param reason which cluster, what is configured, and what to change
     */
    public UnknownClusterException(String reason) {
        super(reason);
    }
}
