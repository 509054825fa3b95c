package io.github.r2dbcrouting;

import java.time.Duration;

import io.github.r2dbcrouting.dialect.ReplicationStatus;
import io.github.r2dbcrouting.replica.ReplicaState;
import org.jspecify.annotations.Nullable;

/**
 * What the router knows of one replica's health at one moment: its state and why, its last lag and applied position,
 * and how long it rests after failures. Immutable: each event (a probe, a failure, the end of a rest) yields a new
 * snapshot from a pure transition, which {@link ReplicaTarget} swaps in atomically.
 *
 * @param state the state; only UP replicas receive reads
 * @param reason why, for example {@code lag 12s > maxLag 5s}
 * @param lag the lag at the last successful probe, or {@code null} if unknown
 * @param position the GTID position applied at the last successful probe, or {@code null} if unknown
 * @param failures consecutive failures of the current series
 * @param restUntilNanos until when a DOWN replica rests, on the scheduler's clock
 */
record ReplicaHealth(ReplicaState state, String reason, @Nullable Duration lag, @Nullable String position,
        int failures, long restUntilNanos) {

    /**
     * Before the first probe or connection: UP, so that reads may start at once.
     */
    static final ReplicaHealth INITIAL = new ReplicaHealth(ReplicaState.UP, "not checked yet", null, null, 0, 0);

    /**
     * After a successful probe.
     *
     * @param status what the replica reported, or {@code null} when it is not configured as a replica
     */
    ReplicaHealth probed(@Nullable ReplicationStatus status, HealthPolicy policy, long nowNanos) {
        String applied = status != null && status.position() != null ? status.position() : this.position;
        Duration reported = status != null ? status.lag() : null;
        HealthPolicy.Verdict verdict = policy.evaluate(status);
        if (verdict.state() == ReplicaState.DOWN) {
            return withPosition(applied, reported).failed(verdict.reason(), policy, nowNanos);
        }
        if (this.state == ReplicaState.DOWN && nowNanos - this.restUntilNanos < 0) {
            // Still resting after a failure: remember what it reported, but do not send reads yet.
            return withPosition(applied, reported);
        }
        return new ReplicaHealth(verdict.state(), verdict.reason(), reported, applied, 0, this.restUntilNanos);
    }

    /**
     * After a failure (unreachable, a failed probe or connection): DOWN, resting for an exponential backoff.
     */
    ReplicaHealth failed(String why, HealthPolicy policy, long nowNanos) {
        int series = this.state != ReplicaState.DOWN && nowNanos - this.restUntilNanos > policy.maxBackoff.toNanos()
                ? 0 : this.failures;
        int count = series + 1;
        return new ReplicaHealth(ReplicaState.DOWN, why, null, this.position, count,
                nowNanos + policy.backoff(count).toNanos());
    }

    /**
     * When nothing probes the replica: back UP on probation once its rest is over.
     */
    ReplicaHealth reinstated(long nowNanos) {
        if (!restOver(nowNanos)) {
            return this;
        }
        return new ReplicaHealth(ReplicaState.UP, "back after backoff; not probed (monitoring is off)", null,
                this.position, this.failures, this.restUntilNanos);
    }

    /**
     * @return whether the replica is DOWN and its rest is over, so that it may be tried again
     */
    boolean restOver(long nowNanos) {
        return this.state == ReplicaState.DOWN && nowNanos - this.restUntilNanos >= 0;
    }

    /**
     * @return how long until the rest of a DOWN replica is over; zero if it is over or the replica is not DOWN
     */
    long restNanos(long nowNanos) {
        return this.state == ReplicaState.DOWN ? Math.max(0, this.restUntilNanos - nowNanos) : 0;
    }

    private ReplicaHealth withPosition(@Nullable String applied, @Nullable Duration reported) {
        return new ReplicaHealth(this.state, this.reason, reported, applied, this.failures, this.restUntilNanos);
    }
}
