package io.github.r2dbcrouting;

import java.util.concurrent.atomic.AtomicInteger;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import reactor.core.publisher.Mono;

/**
 * A {@link ConnectionFactory} with no I/O whose connections remember where they came from.
 */
final class StubConnectionFactory implements ConnectionFactory {

    final String name;

    final AtomicInteger created = new AtomicInteger();

    final AtomicInteger open = new AtomicInteger();

    StubConnectionFactory(String name) {
        this.name = name;
    }

    static String targetOf(Connection connection) {
        return ((StubConnection) connection).factory.name;
    }

    @Override
    public Mono<Connection> create() {
        return Mono.fromSupplier(() -> {
            this.created.incrementAndGet();
            this.open.incrementAndGet();
            return new StubConnection(this);
        });
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return () -> "stub-" + this.name;
    }

    @Override
    public String toString() {
        return "StubConnectionFactory[" + this.name + "]";
    }

    static final class StubConnection implements Connection {

        final StubConnectionFactory factory;

        private boolean closed;

        StubConnection(StubConnectionFactory factory) {
            this.factory = factory;
        }

        @Override
        public Mono<Void> close() {
            return Mono.fromRunnable(() -> {
                if (!this.closed) {
                    this.closed = true;
                    this.factory.open.decrementAndGet();
                }
            });
        }

        @Override
        public Mono<Boolean> validate(ValidationDepth depth) {
            return Mono.just(!this.closed);
        }

        @Override
        public Mono<Void> beginTransaction() {
            return Mono.empty();
        }

        @Override
        public Mono<Void> beginTransaction(TransactionDefinition definition) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> commitTransaction() {
            return Mono.empty();
        }

        @Override
        public Mono<Void> rollbackTransaction() {
            return Mono.empty();
        }

        @Override
        public Batch createBatch() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Mono<Void> createSavepoint(String name) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> releaseSavepoint(String name) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> rollbackTransactionToSavepoint(String name) {
            return Mono.empty();
        }

        @Override
        public Statement createStatement(String sql) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isAutoCommit() {
            return true;
        }

        @Override
        public ConnectionMetadata getMetadata() {
            throw new UnsupportedOperationException();
        }

        @Override
        public IsolationLevel getTransactionIsolationLevel() {
            return IsolationLevel.REPEATABLE_READ;
        }

        @Override
        public Mono<Void> setAutoCommit(boolean autoCommit) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> setLockWaitTimeout(java.time.Duration timeout) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> setStatementTimeout(java.time.Duration timeout) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
            return Mono.empty();
        }
    }
}
