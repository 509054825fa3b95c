package io.github.r2dbcrouting.benchmarks.support;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import reactor.core.publisher.Mono;

/**
 * An in-memory {@link ConnectionFactory}: no pool, no I/O.
 * <p>
 * {@link #shared(String)} hands out one connection through a cached {@code Mono.just}, so {@code create()} allocates
 * nothing and subscribing to it only the scalar subscription: the floor that routing overhead is measured against.
 * {@link #distinct(String)} makes a new connection per {@code create()}, for a pool to fill itself with.
 */
public final class StubConnectionFactory implements ConnectionFactory {

    private final String name;

    private final Mono<Connection> create;

    private final ConnectionFactoryMetadata metadata;

    private StubConnectionFactory(String name, Mono<Connection> create) {
        this.name = name;
        this.create = create;
        this.metadata = () -> "stub";
    }

    /**
     * @param name a name for {@code toString()}
     * @return a factory whose {@code create()} returns the same cached {@code Mono} of one connection
     */
    public static StubConnectionFactory shared(String name) {
        return new StubConnectionFactory(name, Mono.just(new StubConnection(name)));
    }

    /**
     * @param name a name for {@code toString()}
     * @return a factory whose {@code create()} emits a new connection on every subscription
     */
    public static StubConnectionFactory distinct(String name) {
        return new StubConnectionFactory(name, Mono.fromSupplier(() -> new StubConnection(name)));
    }

    @Override
    public Mono<Connection> create() {
        return this.create;
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return this.metadata;
    }

    @Override
    public String toString() {
        return "StubConnectionFactory[" + this.name + "]";
    }
}
