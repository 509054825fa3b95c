package io.github.r2dbcrouting;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/**
 * One server connection of a {@link StatementRoutedConnection}: acquired once, when a unit of work first needs it,
 * and closed with the routed connection. Its acquisition runs to the end even if the caller that started it
 * cancels, so that the connection it brings is closed rather than lost.
 */
final class LazyConnection {

    private static final int STARTED = 1;

    private static final int CLOSED = 2;

    private static final AtomicIntegerFieldUpdater<LazyConnection> STATE =
            AtomicIntegerFieldUpdater.newUpdater(LazyConnection.class, "state");

    /**
     * Whether this connection is on the primary.
     */
    final boolean primary;

    private final @Nullable Mono<? extends Connection> acquisition;

    private final Context context;

    private final Sinks.One<Connection> result;

    private volatile @Nullable Connection connection;

    private volatile int state;

    LazyConnection(boolean primary, Mono<? extends Connection> acquisition, Context context) {
        this.primary = primary;
        this.acquisition = acquisition;
        this.context = context;
        this.result = Sinks.one();
    }

    /**
     * A replica connection that is already there: the one a {@link Route#REPLICA} route chose when it was created.
     */
    LazyConnection(Connection replicaConnection) {
        this.primary = false;
        this.acquisition = null;
        this.context = Context.empty();
        this.result = Sinks.one();
        this.connection = replicaConnection;
        this.state = STARTED;
    }

    /**
     * @return the connection, acquiring it on the first call
     */
    Mono<Connection> get() {
        Connection arrived = this.connection;
        if (arrived != null) {
            return Mono.just(arrived);
        }
        for (;;) {
            int current = this.state;
            if ((current & STARTED) != 0) {
                return this.result.asMono();
            }
            if ((current & CLOSED) != 0) {
                return Mono.error(new IllegalStateException("Connection is closed"));
            }
            Mono<? extends Connection> acquire = this.acquisition;
            if (acquire != null && STATE.compareAndSet(this, current, current | STARTED)) {
                acquire.subscribe(this::acquired, this::failed, null, this.context);
                return this.result.asMono();
            }
        }
    }

    private void acquired(Connection connection) {
        this.connection = connection;
        this.result.tryEmitValue(connection);
    }

    private void failed(Throwable error) {
        this.result.tryEmitError(error);
    }

    /**
     * @return the connection if it has arrived, for the calls of the SPI that cannot wait
     */
    @Nullable
    Connection now() {
        return this.connection;
    }

    /**
     * Close the connection once it has arrived; nothing if it was never asked for. Later calls of {@link #get()}
     * fail.
     *
     * @return a {@code Mono} that completes when the connection is closed
     */
    Mono<Void> close() {
        int previous = STATE.getAndUpdate(this, current -> current | CLOSED);
        if ((previous & CLOSED) != 0 || (previous & STARTED) == 0) {
            return Mono.empty();
        }
        Connection arrived = this.connection;
        if (this.acquisition == null && arrived != null) {
            return Mono.from(arrived.close());
        }
        return this.result.asMono()
                .onErrorResume(error -> Mono.empty())
                .flatMap(connection -> Mono.from(connection.close()));
    }

    @Override
    public String toString() {
        return "LazyConnection[" + (this.primary ? RoutingConfiguration.PRIMARY : "replica") + ", "
                + (this.connection == null ? "not acquired" : this.connection) + "]";
    }
}
