package io.github.r2dbcrouting.it;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of one run of {@link CancelSoakIT}, safe to update from any thread.
 */
final class SoakTally {

    private static final int FAILURE_SAMPLES = 5;

    private final LongAdder ok = new LongAdder();

    private final LongAdder failed = new LongAdder();

    private final LongAdder[] cancelled = {new LongAdder(), new LongAdder(), new LongAdder()};

    private final AtomicLong longestNanos = new AtomicLong();

    private final Queue<String> failures = new ConcurrentLinkedQueue<>();

    /** An operation completed, cancelled or not. */
    void ok() {
        this.ok.increment();
    }

    void failed(Throwable error) {
        this.failed.increment();
        if (this.failures.size() < FAILURE_SAMPLES) {
            this.failures.add(error.toString());
        }
    }

    /**
     * @param stage the {@link SoakProbe} stage the operation had reached when it was cancelled
     */
    void cancelled(int stage) {
        this.cancelled[stage].increment();
    }

    void took(long nanos) {
        this.longestNanos.accumulateAndGet(nanos, Math::max);
    }

    long finished() {
        return this.ok.sum() + this.failed.sum();
    }

    long failedCount() {
        return this.failed.sum();
    }

    /**
     * @return up to five of the failures, as text
     */
    Queue<String> failures() {
        return this.failures;
    }

    @Override
    public String toString() {
        long cancels = this.cancelled[0].sum() + this.cancelled[1].sum() + this.cancelled[2].sum();
        return String.format("ok %d (cancelled %d of them: waiting for a connection %d, during the statement %d,"
                        + " mid-result %d), failed %d, longest %dms", this.ok.sum(), cancels,
                this.cancelled[SoakProbe.WAITING].sum(), this.cancelled[SoakProbe.STATEMENT].sum(),
                this.cancelled[SoakProbe.RESULT].sum(), this.failed.sum(), this.longestNanos.get() / 1_000_000);
    }
}
