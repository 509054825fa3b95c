package io.github.r2dbcrouting;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.ValidationDepth;
import reactor.core.publisher.Mono;

/**
 * A primary connection handed out inside a {@link RoutingSession}: after a commit, and before an autocommit
 * connection that ran a statement is released, it records the session's write position (for read-your-writes).
 * Everything else goes straight to the delegate.
 */
final class WriteRecordingConnection extends DelegatingConnection {

    private final RoutingSession session;

    private final ReadAfterWrite recorder;

    private volatile boolean unrecorded;

    private volatile boolean closed;

    WriteRecordingConnection(Connection delegate, RoutingSession session, ReadAfterWrite recorder) {
        super(delegate);
        this.session = session;
        this.recorder = recorder;
    }

    /**
     * Tell whether {@code sql} may change data: anything but a statement that starts with {@code SELECT} or
     * {@code SHOW}, after leading white space, in any case. When unsure it says yes, which costs one position read.
     */
    static boolean mayWrite(String sql) {
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
        return this.recorder.recordWrite(this.delegate, this.session);
    }

    @Override
    public Statement createStatement(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
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
                .then(Mono.defer(() -> Mono.from(this.delegate.close())))
                .doOnSubscribe(subscription -> this.closed = true);
    }

    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        if (depth == null) {
            throw new IllegalArgumentException("depth must not be null");
        }
        return Mono.defer(() -> this.closed ? Mono.just(false) : Mono.from(this.delegate.validate(depth)));
    }
}
