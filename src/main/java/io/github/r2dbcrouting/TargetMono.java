package io.github.r2dbcrouting;

import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;

/**
 * A connection from one target, with failover for a replica and a clear error for the primary (see
 * {@link TargetSubscriber}). Stateless: one instance per target serves every subscription.
 */
final class TargetMono extends Mono<Connection> implements Scannable {

    private final RoutingConnectionFactory router;

    private final @Nullable ReplicaTarget replica;

    TargetMono(RoutingConnectionFactory router, @Nullable ReplicaTarget replica) {
        this.router = router;
        this.replica = replica;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Connection> actual) {
        TargetSubscriber.connect(actual, this.router, this.replica);
    }

    @Override
    public @Nullable Object scanUnsafe(Attr key) {
        if (key == Attr.RUN_STYLE) {
            return Attr.RunStyle.SYNC;
        }
        if (key == Attr.NAME) {
            return toString();
        }
        return null;
    }

    @Override
    public String toString() {
        return "TargetMono[" + (this.replica == null ? RoutingConfiguration.PRIMARY : this.replica.name()) + "]";
    }
}
