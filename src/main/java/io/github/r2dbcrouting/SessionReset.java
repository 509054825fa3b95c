package io.github.r2dbcrouting;

import java.time.Duration;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Wrapped;
import reactor.core.publisher.Mono;

/**
 * Makes a pool hand every borrower a connection in the state a fresh one has, whatever the previous borrower did.
 * <p>
 * Wrap the driver's factory before building an r2dbc-pool {@code ConnectionPool} with it. When the pool takes a
 * connection back, it then rolls back an open transaction, turns autocommit back on (or off, as a fresh connection
 * had it) and restores the isolation level of a fresh connection. A connection whose lock wait timeout or statement
 * timeout was changed is closed instead of returned, since R2DBC cannot read the value a fresh connection had. The
 * reset and the close are bounded in time: a connection whose reset does not finish within the timeout is closed,
 * a close that does not finish within it is given up, and the pool recovers its slot either way (r2dbc-mysql 1.4 can
 * stall a connection so that neither ever completes; see the README). A released connection answers
 * {@code validate(...)} with {@code false} until it is lent again.
 * <pre class="code">
 * ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(SessionReset.of(driverFactory))
 *     .maxSize(20)
 *     .build());
 * </pre>
 * The pools that a {@link RoutingConnectionFactory} builds from URLs or options do this already.
 * <p>
 * This relies on r2dbc-pool calling {@link io.r2dbc.spi.Lifecycle#preRelease()} and
 * {@link io.r2dbc.spi.Lifecycle#postAllocate()} on its connections, which r2dbc-pool 1.0 does.
 */
public final class SessionReset {

    /**
     * How long a reset may take before the connection is closed instead: 5 seconds.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private SessionReset() {
    }

    /**
     * Wrap {@code connectionFactory} so that its connections reset their session state when a pool takes them
     * back, within {@link #DEFAULT_TIMEOUT}.
     *
     * @param connectionFactory the driver's factory
     * @return a factory for a {@code ConnectionPool}
     * @throws IllegalArgumentException if {@code connectionFactory} is {@code null}
     */
    public static ConnectionFactory of(ConnectionFactory connectionFactory) {
        return of(connectionFactory, DEFAULT_TIMEOUT);
    }

    /**
     * Wrap {@code connectionFactory} so that its connections reset their session state when a pool takes them
     * back, within {@code timeout}.
     *
     * @param connectionFactory the driver's factory
     * @param timeout how long a reset may take before the connection is closed instead
     * @return a factory for a {@code ConnectionPool}
     * @throws IllegalArgumentException if an argument is {@code null} or {@code timeout} is not positive
     */
    public static ConnectionFactory of(ConnectionFactory connectionFactory, Duration timeout) {
        if (connectionFactory == null) {
            throw new IllegalArgumentException("connectionFactory must not be null");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return new ResettingConnectionFactory(connectionFactory, timeout);
    }

    private static final class ResettingConnectionFactory implements ConnectionFactory, Wrapped<ConnectionFactory> {

        private final ConnectionFactory delegate;

        private final Duration timeout;

        ResettingConnectionFactory(ConnectionFactory delegate, Duration timeout) {
            this.delegate = delegate;
            this.timeout = timeout;
        }

        @Override
        public Mono<Connection> create() {
            return Mono.<Connection>from(this.delegate.create())
                    .map(connection -> new ResettingConnection(connection, this.timeout));
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return this.delegate.getMetadata();
        }

        @Override
        public ConnectionFactory unwrap() {
            return this.delegate;
        }

        @Override
        public String toString() {
            return "SessionReset[" + this.delegate + "]";
        }
    }
}
