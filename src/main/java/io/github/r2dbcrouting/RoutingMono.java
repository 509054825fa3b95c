package io.github.r2dbcrouting;

import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;

/**
 * What {@link RoutingConnectionFactory#create()} returns: a cold {@code Mono} that reads the route from each
 * subscriber's Context and subscribes it to the chosen target. Stateless, so one instance serves every call and
 * {@code create()} allocates nothing.
 */
final class RoutingMono extends Mono<Connection> implements Scannable {

    private final RoutingConnectionFactory router;

    private RoutingMono(RoutingConnectionFactory router) {
        this.router = router;
    }

    /**
     * @return the router's {@code create()} publisher, passed once through Reactor's assembly hooks
     */
    static Mono<Connection> of(RoutingConnectionFactory router) {
        return onAssembly(new RoutingMono(router));
    }

    @Override
    public void subscribe(CoreSubscriber<? super Connection> actual) {
        this.router.route(actual);
    }

    @Override
    public @Nullable Object scanUnsafe(Attr key) {
        return key == Attr.RUN_STYLE ? Attr.RunStyle.SYNC : null;
    }

    @Override
    public String toString() {
        return "RoutingMono[" + this.router + "]";
    }
}
