package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Lifecycle;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.ValidationDepth;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * A driver's connection inside a pool, which puts its session back as it was when the pool takes it back (see
 * {@link SessionReset}). The pool calls {@link #postAllocate()} when it lends the connection and
 * {@link #preRelease()} when it takes it back; an error from {@code preRelease()} makes the pool close the
 * connection instead of keeping it.
 */
final class ResettingConnection extends DelegatingConnection implements Lifecycle {

    private final Duration timeout;

    private final boolean freshAutoCommit;

    private final IsolationLevel freshIsolationLevel;

    private final Mono<Void> lend;

    private final Mono<Void> takeBack;

    private volatile boolean timeoutsChanged;

    private volatile boolean discard;

    private volatile boolean released;

    ResettingConnection(Connection delegate, Duration timeout) {
        super(delegate);
        this.timeout = timeout;
        this.freshAutoCommit = delegate.isAutoCommit();
        this.freshIsolationLevel = delegate.getTransactionIsolationLevel();
        Mono<Void> lent = Mono.fromRunnable(() -> this.released = false);
        this.lend = delegate instanceof Lifecycle lifecycle
                ? lent.then(Mono.defer(() -> Mono.from(lifecycle.postAllocate()))) : lent;
        this.takeBack = Mono.defer(this::reset)
                .timeout(timeout)
                .onErrorMap(TimeoutException.class, ex -> new R2dbcTimeoutException("Resetting the session of "
                        + "a released connection timed out after " + timeout.toMillis() + "ms; closing it instead"))
                .doOnSubscribe(subscription -> this.released = true);
    }

    /**
     * Put the session back as a fresh connection had it: roll back, autocommit, isolation level.
     */
    /**
     * Close this connection when it is released instead of lending it again: its server stopped answering.
     */
    void discardOnRelease() {
        this.discard = true;
    }

    private Mono<Void> reset() {
        if (this.discard) {
            return Mono.error(new R2dbcNonTransientResourceException("A statement on this connection timed out; "
                    + "closing it instead of returning it"));
        }
        if (this.timeoutsChanged) {
            return Mono.error(new R2dbcNonTransientResourceException("The lock wait timeout or statement timeout "
                    + "of this connection was changed and cannot be restored; closing it instead of returning it"));
        }
        Mono<Void> lifecycle = this.delegate instanceof Lifecycle driver ? Mono.from(driver.preRelease()) : null;
        Mono<Void> restore = Mono.defer(this::restore);
        return lifecycle == null ? restore : lifecycle.then(restore);
    }

    private Mono<Void> restore() {
        Mono<Void> steps = Mono.empty();
        if (!this.delegate.isAutoCommit()) {
            // In a transaction, or autocommit is off: end what is open, then put autocommit back.
            steps = Mono.from(this.delegate.rollbackTransaction())
                    .then(Mono.defer(() -> this.delegate.isAutoCommit() == this.freshAutoCommit ? Mono.empty()
                            : Mono.from(this.delegate.setAutoCommit(this.freshAutoCommit))));
        }
        else if (!this.freshAutoCommit) {
            steps = Mono.from(this.delegate.setAutoCommit(false));
        }
        if (!Objects.equals(this.delegate.getTransactionIsolationLevel(), this.freshIsolationLevel)) {
            steps = steps.then(Mono.defer(() -> Mono.from(
                    this.delegate.setTransactionIsolationLevel(this.freshIsolationLevel))));
        }
        return steps;
    }

    /**
     * Close the driver's connection, waiting at most the timeout: a driver whose request queue stalled (see
     * README) never completes a close, and the pool that destroys the connection would wait for it forever.
     */
    @Override
    public Publisher<Void> close() {
        return Mono.from(this.delegate.close())
                .timeout(this.timeout)
                .onErrorMap(TimeoutException.class, ex -> new R2dbcTimeoutException("Closing a connection timed out "
                        + "after " + this.timeout.toMillis() + "ms; it is given up, and the server drops it after "
                        + "its wait_timeout"));
    }

    @Override
    public Publisher<Void> postAllocate() {
        return this.lend;
    }

    @Override
    public Publisher<Void> preRelease() {
        return this.takeBack;
    }

    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        if (depth == null) {
            throw new IllegalArgumentException("depth must not be null");
        }
        // Decided at subscription: a pool assembles its validation before it lends the connection again.
        return Mono.defer(() -> this.released ? Mono.just(false) : Mono.from(this.delegate.validate(depth)));
    }

    @Override
    public Publisher<Void> setLockWaitTimeout(Duration timeout) {
        this.timeoutsChanged = true;
        return this.delegate.setLockWaitTimeout(timeout);
    }

    @Override
    public Publisher<Void> setStatementTimeout(Duration timeout) {
        this.timeoutsChanged = true;
        return this.delegate.setStatementTimeout(timeout);
    }
}
