package io.github.r2dbcrouting;

import io.r2dbc.spi.Connection;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * A connection of a dynamic cluster: closing it releases it to its pool first, and then gives its cluster's
 * in-use count back, so that an evicted cluster closes its pools only after its last connection went back.
 */
final class LeasedConnection extends DelegatingConnection {

    private final ClusterLease lease;

    LeasedConnection(Connection delegate, ClusterLease lease) {
        super(delegate);
        this.lease = lease;
    }

    @Override
    public Publisher<Void> close() {
        // Given back before the close completes downstream, so that whoever awaited the close sees the count.
        return Mono.from(this.delegate.close()).doOnTerminate(this.lease::closed).doOnCancel(this.lease::closed);
    }

    @Override
    public String toString() {
        return "LeasedConnection[" + this.delegate + "]";
    }
}
