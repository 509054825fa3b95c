package io.github.r2dbcrouting.benchmarks.support;

import java.time.Duration;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link Connection} with no state and no I/O: every method that returns a publisher returns a cached one that
 * completes at once, so subscribing to it allocates as little as Reactor allows. Its statements are one shared
 * statement that binds nothing and returns no result. It knows the name of the factory it came from, so that a
 * benchmark can check where a router sent it.
 */
public final class StubConnection implements Connection {

    private static final Mono<Void> DONE = Mono.empty();

    private static final Mono<Boolean> VALID = Mono.just(true);

    private static final Statement STATEMENT = new Statement() {

        @Override
        public Statement add() {
            return this;
        }

        @Override
        public Statement bind(int index, Object value) {
            return this;
        }

        @Override
        public Statement bind(String name, Object value) {
            return this;
        }

        @Override
        public Statement bindNull(int index, Class<?> type) {
            return this;
        }

        @Override
        public Statement bindNull(String name, Class<?> type) {
            return this;
        }

        @Override
        public Flux<Result> execute() {
            return Flux.empty();
        }
    };

    private static final ConnectionMetadata METADATA = new ConnectionMetadata() {

        @Override
        public String getDatabaseProductName() {
            return "stub";
        }

        @Override
        public String getDatabaseVersion() {
            return "0";
        }
    };

    private final String origin;

    /**
     * @param origin the name of the factory that made it
     */
    public StubConnection(String origin) {
        this.origin = origin;
    }

    /**
     * @param connection a stub connection, or connections wrapping one (a router's, a pool's)
     * @return the name of the factory the stub connection came from
     */
    public static String originOf(Connection connection) {
        Connection unwrapped = connection;
        while (unwrapped instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof Connection inner) {
            unwrapped = inner;
        }
        if (unwrapped instanceof StubConnection stub) {
            return stub.origin;
        }
        throw new IllegalArgumentException(connection + " is no StubConnection");
    }

    @Override
    public Mono<Void> close() {
        return DONE;
    }

    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        return VALID;
    }

    @Override
    public Mono<Void> beginTransaction() {
        return DONE;
    }

    @Override
    public Mono<Void> beginTransaction(TransactionDefinition definition) {
        return DONE;
    }

    @Override
    public Mono<Void> commitTransaction() {
        return DONE;
    }

    @Override
    public Mono<Void> rollbackTransaction() {
        return DONE;
    }

    @Override
    public Mono<Void> createSavepoint(String name) {
        return DONE;
    }

    @Override
    public Mono<Void> releaseSavepoint(String name) {
        return DONE;
    }

    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        return DONE;
    }

    @Override
    public Batch createBatch() {
        throw new UnsupportedOperationException("StubConnection runs no SQL");
    }

    @Override
    public Statement createStatement(String sql) {
        return STATEMENT;
    }

    @Override
    public boolean isAutoCommit() {
        return true;
    }

    @Override
    public ConnectionMetadata getMetadata() {
        return METADATA;
    }

    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return IsolationLevel.REPEATABLE_READ;
    }

    @Override
    public Mono<Void> setAutoCommit(boolean autoCommit) {
        return DONE;
    }

    @Override
    public Mono<Void> setLockWaitTimeout(Duration timeout) {
        return DONE;
    }

    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        return DONE;
    }

    @Override
    public Mono<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
        return DONE;
    }
}
