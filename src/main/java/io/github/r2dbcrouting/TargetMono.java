package io.github.r2dbcrouting;

import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * A connection from one target, with failover for a replica and a clear error for the primary (see
 * {@link TargetSubscriber}). Stateless: one instance per target serves every subscription.
 */
final class TargetMono extends Mono<Connection> {

    private final RoutingConnectionFactory router;

    private final @Nullable Replica replica;

    TargetMono(RoutingConnectionFactory router, @Nullable Replica replica) {
        this.router = router;
        this.replica = replica;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Connection> actual) {
        TargetSubscriber.connect(actual, this.router, this.replica);
    }

    @Override
    public String toString() {
        return "TargetMono[" + (this.replica == null ? RoutingConnectionFactory.PRIMARY : this.replica.name()) + "]";
    }
}
