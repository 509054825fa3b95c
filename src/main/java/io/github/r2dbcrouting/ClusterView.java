package io.github.r2dbcrouting;

import io.github.r2dbcrouting.internal.Masking;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * What {@link RoutingConnectionFactory#cluster(String)} returns: the router's {@code create()} under
 * {@link Routing#withCluster(String)}. Equal to every view of the same router and name, so that Spring finds a
 * transaction bound under one of them through another.
 */
final class ClusterView implements ConnectionFactory, Wrapped<ConnectionFactory> {

    private final RoutingConnectionFactory router;

    private final String name;

    private final Mono<Connection> create;

    ClusterView(RoutingConnectionFactory router, String name) {
        this.router = router;
        this.name = name;
        this.create = Mono.<Connection>from(router.create()).contextWrite(Routing.withCluster(name));
    }

    @Override
    public Mono<Connection> create() {
        return this.create;
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return this.router.getMetadata();
    }

    /**
     * @return the router this view belongs to
     */
    @Override
    public ConnectionFactory unwrap() {
        return this.router;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof ClusterView view && view.router == this.router && view.name.equals(this.name);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this.router) * 31 + this.name.hashCode();
    }

    @Override
    public String toString() {
        return "ClusterView['" + Masking.url(this.name) + "']";
    }
}
