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
class StubConnectionFactory implements ConnectionFactory {

    final String name;

    final AtomicInteger created = new AtomicInteger();

    final AtomicInteger attempts = new AtomicInteger();

    final AtomicInteger open = new AtomicInteger();

    final java.util.List<String> statements = new java.util.concurrent.CopyOnWriteArrayList<>();

    private volatile @org.jspecify.annotations.Nullable RuntimeException failure;

    /**
     * Whether statements of this target's connections wait forever for an answer, as on a hung server.
     */
    volatile boolean hung;

    /**
     * Make every following {@code create()} fail with {@code failure}, or succeed again with {@code null}.
     */
    void failWith(@org.jspecify.annotations.Nullable RuntimeException failure) {
        this.failure = failure;
    }

    StubConnectionFactory(String name) {
        this.name = name;
    }

    static String targetOf(Connection connection) {
        Connection unwrapped = connection;
        while (unwrapped instanceof io.r2dbc.spi.Wrapped<?> wrapped) {
            unwrapped = (Connection) wrapped.unwrap();
        }
        return ((StubConnection) unwrapped).factory.name;
    }

    @Override
    public Mono<Connection> create() {
        return Mono.<Connection>fromSupplier(() -> {
            this.attempts.incrementAndGet();
            RuntimeException error = this.failure;
            if (error != null) {
                throw error;
            }
            this.created.incrementAndGet();
            this.open.incrementAndGet();
            return new StubConnection(this);
        })
                // As a pool does: a connection created for a caller who cancelled meanwhile is closed, not dropped.
                .doOnDiscard(StubConnection.class, connection -> connection.close().subscribe());
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return () -> "stub-" + this.name;
    }

    @Override
    public String toString() {
        return "StubConnectionFactory[" + this.name + "]";
    }

    static final class StubStatement implements Statement {

        private final boolean hung;

        StubStatement(boolean hung) {
            this.hung = hung;
        }

        StubStatement() {
            this(false);
        }

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
        public reactor.core.publisher.Flux<io.r2dbc.spi.Result> execute() {
            return this.hung ? reactor.core.publisher.Flux.never() : reactor.core.publisher.Flux.empty();
        }
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
            this.factory.statements.add(sql);
            return new StubStatement(this.factory.hung);
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
