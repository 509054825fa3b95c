package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * A replica connection whose statements may not go silent for longer than {@code replicaStatementTimeout}: a
 * replica that hangs (accepts nothing, refuses nothing) then fails the statement with an
 * {@link R2dbcTimeoutException} that names it, instead of holding the caller for as long as the hang. The replica is
 * taken out of rotation at once, and the connection is closed rather than returned to its pool; its close is not
 * waited for, since the server may not answer it either.
 */
final class BoundedReplicaConnection extends DelegatingConnection {

    private static final AtomicIntegerFieldUpdater<BoundedReplicaConnection> TIMED_OUT =
            AtomicIntegerFieldUpdater.newUpdater(BoundedReplicaConnection.class, "timedOut");

    private final ReplicaTarget replica;

    private final ReplicaSet replicas;

    private final Duration timeout;

    private final Scheduler scheduler;

    private volatile int timedOut;

    BoundedReplicaConnection(Connection delegate, ReplicaTarget replica, ReplicaSet replicas, Duration timeout,
            Scheduler scheduler) {
        super(delegate);
        this.replica = replica;
        this.replicas = replicas;
        this.timeout = timeout;
        this.scheduler = scheduler;
    }

    /**
     * Fail {@code publisher} if it stays silent for longer than the timeout.
     */
    <T> Flux<T> bounded(Publisher<T> publisher) {
        return Flux.from(publisher)
                .timeout(this.timeout, this.scheduler)
                .onErrorMap(TimeoutException.class, this::timedOut);
    }

    private Throwable timedOut(TimeoutException cause) {
        R2dbcTimeoutException error = new R2dbcTimeoutException("Replica '" + this.replica.name()
                + "' did not answer within " + HealthPolicy.seconds(this.timeout) + " (replicaStatementTimeout); "
                + "it is taken out of rotation and this connection is closed", cause);
        if (TIMED_OUT.compareAndSet(this, 0, 1)) {
            this.replicas.failed(this.replica, error);
            if (this.delegate instanceof Wrapped<?> pooled && pooled.unwrap() instanceof ResettingConnection pool) {
                pool.discardOnRelease();
            }
        }
        return error;
    }

    @Override
    public Statement createStatement(String sql) {
        return new BoundedStatement(this.delegate.createStatement(sql));
    }

    @Override
    public Batch createBatch() {
        Batch batch = this.delegate.createBatch();
        return new Batch() {

            @Override
            public Batch add(String sql) {
                batch.add(sql);
                return this;
            }

            @Override
            public Publisher<? extends Result> execute() {
                return bounded(batch.execute()).map(BoundedResult::new);
            }
        };
    }

    /**
     * Release the connection to its pool. The caller waits for the release at most the timeout: returning a
     * connection can need the server (a rollback), and a hung server would hold the caller for the length of the
     * hang. The release itself goes on to its end, so the pool still gets its slot back or discards the connection.
     */
    @Override
    public Publisher<Void> close() {
        return Mono.defer(() -> {
            Sinks.Empty<Void> released = Sinks.empty();
            Mono.from(this.delegate.close()).subscribe(null, error -> released.tryEmitEmpty(),
                    released::tryEmitEmpty);
            if (this.timedOut != 0) {
                return Mono.empty();
            }
            return released.asMono().timeout(this.timeout, Mono.fromRunnable(() -> timedOut(
                    new TimeoutException("releasing the connection"))), this.scheduler);
        });
    }

    @Override
    public Publisher<Void> beginTransaction() {
        return bounded(this.delegate.beginTransaction());
    }

    @Override
    public Publisher<Void> beginTransaction(TransactionDefinition definition) {
        return bounded(this.delegate.beginTransaction(definition));
    }

    @Override
    public Publisher<Void> commitTransaction() {
        return bounded(this.delegate.commitTransaction());
    }

    @Override
    public Publisher<Void> rollbackTransaction() {
        return bounded(this.delegate.rollbackTransaction());
    }

    @Override
    public Publisher<Void> createSavepoint(String name) {
        return bounded(this.delegate.createSavepoint(name));
    }

    @Override
    public Publisher<Void> releaseSavepoint(String name) {
        return bounded(this.delegate.releaseSavepoint(name));
    }

    @Override
    public Publisher<Void> rollbackTransactionToSavepoint(String name) {
        return bounded(this.delegate.rollbackTransactionToSavepoint(name));
    }

    @Override
    public Publisher<Void> setAutoCommit(boolean autoCommit) {
        return bounded(this.delegate.setAutoCommit(autoCommit));
    }

    @Override
    public Publisher<Void> setLockWaitTimeout(Duration lockWaitTimeout) {
        return bounded(this.delegate.setLockWaitTimeout(lockWaitTimeout));
    }

    @Override
    public Publisher<Void> setStatementTimeout(Duration statementTimeout) {
        return bounded(this.delegate.setStatementTimeout(statementTimeout));
    }

    @Override
    public Publisher<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
        return bounded(this.delegate.setTransactionIsolationLevel(isolationLevel));
    }

    @Override
    public Publisher<Boolean> validate(ValidationDepth depth) {
        return this.timedOut != 0 ? Mono.just(false) : this.delegate.validate(depth);
    }

    @Override
    public String toString() {
        return "BoundedReplicaConnection[" + this.replica.name() + ", " + this.delegate + "]";
    }

    private final class BoundedStatement implements Statement {

        private final Statement statement;

        BoundedStatement(Statement statement) {
            this.statement = statement;
        }

        @Override
        public Statement add() {
            this.statement.add();
            return this;
        }

        @Override
        public Statement bind(int index, Object value) {
            this.statement.bind(index, value);
            return this;
        }

        @Override
        public Statement bind(String name, Object value) {
            this.statement.bind(name, value);
            return this;
        }

        @Override
        public Statement bindNull(int index, Class<?> type) {
            this.statement.bindNull(index, type);
            return this;
        }

        @Override
        public Statement bindNull(String name, Class<?> type) {
            this.statement.bindNull(name, type);
            return this;
        }

        @Override
        public Statement returnGeneratedValues(String... columns) {
            this.statement.returnGeneratedValues(columns);
            return this;
        }

        @Override
        public Statement fetchSize(int rows) {
            this.statement.fetchSize(rows);
            return this;
        }

        @Override
        public Publisher<? extends Result> execute() {
            return bounded(this.statement.execute()).map(BoundedResult::new);
        }
    }

    private final class BoundedResult implements Result {

        private final Result result;

        BoundedResult(Result result) {
            this.result = result;
        }

        @Override
        public Publisher<Long> getRowsUpdated() {
            return bounded(this.result.getRowsUpdated());
        }

        @Override
        public <T> Publisher<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
            return bounded(this.result.map(mappingFunction));
        }

        @Override
        public <T> Publisher<T> map(Function<? super io.r2dbc.spi.Readable, ? extends T> mappingFunction) {
            return bounded(this.result.map(mappingFunction));
        }

        @Override
        public Result filter(Predicate<Segment> filter) {
            return new BoundedResult(this.result.filter(filter));
        }

        @Override
        public <T> Publisher<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
            return bounded(this.result.flatMap(mappingFunction));
        }
    }
}
