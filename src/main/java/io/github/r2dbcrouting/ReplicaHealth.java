package io.github.r2dbcrouting;

import java.time.Duration;

import io.github.r2dbcrouting.dialect.ReplicationStatus;
import io.github.r2dbcrouting.replica.ReplicaState;
import org.jspecify.annotations.Nullable;

/**
 * What the router knows of one replica's health at one moment: its state and why, its last lag and applied position,
 * and where it is in an outage. Immutable: each event (a probe, a failure, the end of a rest) yields a new snapshot
 * from a pure transition, which {@link ReplicaTarget} swaps in atomically.
 * <p>
 * An outage starts when the replica goes DOWN and counts as one failure however many connections fail during it.
 * It ends after {@link HealthPolicy#RISE} healthy probes in a row (or, without monitoring, when its rest is over),
 * so a replica that fails every other probe stays DOWN instead of flapping.
 *
 * @param state the state; only UP replicas receive reads
 * @param reason why, for example {@code lag 12s > maxLag 5s}
 * @param lag the lag at the last successful probe, or {@code null} if unknown
 * @param position the GTID position applied at the last successful probe, or {@code null} if unknown
 * @param failures outages in the current series, which lengthen the rest
 * @param restUntilNanos until when a DOWN replica rests, on the scheduler's clock, when nothing monitors it
 * @param healthyProbes healthy probes in a row since the replica went DOWN
 * @param checked whether anything has been learnt about the replica yet
 */
record ReplicaHealth(ReplicaState state, String reason, @Nullable Duration lag, @Nullable String position,
        int failures, long restUntilNanos, int healthyProbes, boolean checked) {

    /**
     * Before the first probe or connection: UP, so that reads may start at once.
     */
    static final ReplicaHealth INITIAL = new ReplicaHealth(ReplicaState.UP, "not checked yet", null, null, 0, 0, 0,
            false);

    /**
     * After a successful probe.
     *
     * @param status what the replica reported, or {@code null} when it is not configured as a replica
     */
    ReplicaHealth probed(@Nullable ReplicationStatus status, HealthPolicy policy, long nowNanos, double jitter) {
        String applied = status != null && status.position() != null ? status.position() : this.position;
        Duration reported = status != null ? status.lag() : null;
        HealthPolicy.Verdict verdict = policy.evaluate(status);
        if (verdict.state() == ReplicaState.DOWN) {
            return new ReplicaHealth(this.state, this.reason, reported, applied, this.failures, this.restUntilNanos,
                    this.healthyProbes, this.checked).failed(verdict.reason(), policy, nowNanos, jitter);
        }
        if (this.state == ReplicaState.DOWN && this.healthyProbes + 1 < HealthPolicy.RISE) {
            return new ReplicaHealth(ReplicaState.DOWN, "answering again (" + (this.healthyProbes + 1) + " of "
                    + HealthPolicy.RISE + " healthy probes); was " + this.reason, reported, applied, this.failures,
                    this.restUntilNanos, this.healthyProbes + 1, true);
        }
        return new ReplicaHealth(verdict.state(), verdict.reason(), reported, applied, this.failures,
                this.restUntilNanos, 0, true);
    }

    /**
     * After a failure (unreachable, a failed probe or connection): DOWN. The first failure of an outage counts and
     * sets a rest of exponential length; later ones during the same outage only restart the count of healthy
     * probes.
     */
    ReplicaHealth failed(String why, HealthPolicy policy, long nowNanos, double jitter) {
        if (this.state == ReplicaState.DOWN) {
            return new ReplicaHealth(ReplicaState.DOWN, why, null, this.position, this.failures, this.restUntilNanos,
                    0, true);
        }
        // The last outage is long past: this one starts a new series.
        int series = nowNanos - this.restUntilNanos > policy.maxBackoff.toNanos() ? 0 : this.failures;
        int count = series + 1;
        return new ReplicaHealth(ReplicaState.DOWN, why, null, this.position, count,
                nowNanos + policy.backoff(count, jitter).toNanos(), 0, true);
    }

    /**
     * When nothing probes the replica: back UP on probation once its rest is over.
     */
    ReplicaHealth reinstated(long nowNanos) {
        if (!restOver(nowNanos)) {
            return this;
        }
        return new ReplicaHealth(ReplicaState.UP, "back after backoff; not probed (monitoring is off)", null,
                this.position, this.failures, this.restUntilNanos, 0, true);
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
}
