package io.github.r2dbcrouting;

import java.time.Duration;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import reactor.core.publisher.Mono;

/**
 * A primary connection handed out inside a {@link RoutingSession}: after a commit, and before an autocommit
 * connection that ran a statement is released, it records the session's write position (for read-your-writes).
 * Everything else goes straight to the delegate.
 */
final class WriteRecordingConnection implements Connection, Wrapped<Connection> {

    interface Recorder {

        Mono<Void> record(Connection connection, RoutingSession session);
    }

    private final Connection delegate;

    private final RoutingSession session;

    private final Recorder recorder;

    private volatile boolean unrecorded;

    WriteRecordingConnection(Connection delegate, RoutingSession session, Recorder recorder) {
        this.delegate = delegate;
        this.session = session;
        this.recorder = recorder;
    }

    private static boolean mayWrite(String sql) {
        int start = 0;
        while (start < sql.length() && Character.isWhitespace(sql.charAt(start))) {
            start++;
        }
        return !(sql.regionMatches(true, start, "SELECT", 0, 6) || sql.regionMatches(true, start, "SHOW", 0, 4));
    }

    private Mono<Void> recordIfNeeded() {
        if (!this.unrecorded) {
            return Mono.empty();
        }
        this.unrecorded = false;
        return this.recorder.record(this.delegate, this.session);
    }

    @Override
    public Statement createStatement(String sql) {
        if (mayWrite(sql)) {
            this.unrecorded = true;
        }
        return this.delegate.createStatement(sql);
    }

    @Override
    public Batch createBatch() {
        this.unrecorded = true;
        return this.delegate.createBatch();
    }

    @Override
    public Mono<Void> commitTransaction() {
        return Mono.from(this.delegate.commitTransaction()).then(Mono.defer(this::recordIfNeeded));
    }

    @Override
    public Mono<Void> rollbackTransaction() {
        return Mono.from(this.delegate.rollbackTransaction()).doOnSuccess(done -> this.unrecorded = false);
    }

    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> this.delegate.isAutoCommit() ? recordIfNeeded() : Mono.<Void>empty())
                .onErrorResume(error -> Mono.empty())
                .then(Mono.defer(() -> Mono.from(this.delegate.close())));
    }

    @Override
    public Connection unwrap() {
        return this.delegate;
    }

    @Override
    public Mono<Void> beginTransaction() {
        return Mono.from(this.delegate.beginTransaction());
    }

    @Override
    public Mono<Void> beginTransaction(TransactionDefinition definition) {
        return Mono.from(this.delegate.beginTransaction(definition));
    }

    @Override
    public Mono<Void> createSavepoint(String name) {
        return Mono.from(this.delegate.createSavepoint(name));
    }

    @Override
    public Mono<Void> releaseSavepoint(String name) {
        return Mono.from(this.delegate.releaseSavepoint(name));
    }

    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        return Mono.from(this.delegate.rollbackTransactionToSavepoint(name));
    }

    @Override
    public boolean isAutoCommit() {
        return this.delegate.isAutoCommit();
    }

    @Override
    public ConnectionMetadata getMetadata() {
        return this.delegate.getMetadata();
    }

    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return this.delegate.getTransactionIsolationLevel();
    }

    @Override
    public Mono<Void> setAutoCommit(boolean autoCommit) {
        return Mono.from(this.delegate.setAutoCommit(autoCommit));
    }

    @Override
    public Mono<Void> setLockWaitTimeout(Duration timeout) {
        return Mono.from(this.delegate.setLockWaitTimeout(timeout));
    }

    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        return Mono.from(this.delegate.setStatementTimeout(timeout));
    }

    @Override
    public Mono<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
        return Mono.from(this.delegate.setTransactionIsolationLevel(isolationLevel));
    }

    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        return Mono.from(this.delegate.validate(depth));
    }

    @Override
    public String toString() {
        return "WriteRecordingConnection[" + this.delegate + "]";
    }
}
