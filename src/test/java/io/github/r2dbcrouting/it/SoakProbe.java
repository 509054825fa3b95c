package io.github.r2dbcrouting.it;

import java.time.Duration;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * How far one operation of {@link CancelSoakIT} got: waiting for a connection, running its statement, or reading its
 * result; and a signal for each stage, to cancel the operation some time after it reached one.
 */
final class SoakProbe {

    static final int WAITING = 0;

    static final int STATEMENT = 1;

    static final int RESULT = 2;

    /**
     * Where to cancel an operation: {@code delay} after it reached {@code stage}.
     *
     * @param stage {@link #WAITING} (from the start), {@link #STATEMENT} or {@link #RESULT}
     * @param delay how long after reaching it
     */
    record CancelPoint(int stage, Duration delay) {
    }

    private final Sinks.Empty<Void> connected = Sinks.empty();

    private final Sinks.Empty<Void> firstRow = Sinks.empty();

    private volatile int stage = WAITING;

    void connected() {
        if (this.stage == WAITING) {
            this.stage = STATEMENT;
        }
        this.connected.tryEmitEmpty();
    }

    void rowArrived() {
        this.stage = RESULT;
        this.firstRow.tryEmitEmpty();
    }

    int stage() {
        return this.stage;
    }

    /**
     * @return a {@code Mono} that completes once the operation reached {@code stage}
     */
    Mono<Void> reached(int stage) {
        return switch (stage) {
            case WAITING -> Mono.empty();
            case STATEMENT -> this.connected.asMono();
            default -> this.firstRow.asMono();
        };
    }
}
