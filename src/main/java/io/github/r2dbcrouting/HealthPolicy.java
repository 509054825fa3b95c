package io.github.r2dbcrouting;

import java.time.Duration;

import io.github.r2dbcrouting.dialect.ReplicationStatus;
import io.github.r2dbcrouting.replica.ReplicaState;
import org.jspecify.annotations.Nullable;

/**
 * Turns what a replica reports into a {@link ReplicaState}, and says how long a failed replica rests before it is
 * tried again.
 */
final class HealthPolicy {

    /**
     * Healthy probes in a row that bring a DOWN replica back.
     */
    static final int RISE = 2;

    /**
     * How far a rest may be shortened or lengthened at random, so that many application instances do not all
     * return to a replica at the same moment: plus or minus 20%.
     */
    static final double JITTER = 0.2;

    final Duration maxLag;

    final Duration initialBackoff;

    final Duration maxBackoff;

    HealthPolicy(Duration maxLag, Duration initialBackoff, Duration maxBackoff) {
        this.maxLag = maxLag;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /**
     * @param status the replica's report, or {@code null} when the server is not a replica at all
     */
    Verdict evaluate(@Nullable ReplicationStatus status) {
        if (status == null) {
            return new Verdict(ReplicaState.DOWN, "not configured as a replica");
        }
        if (!status.ioRunning() && !status.sqlRunning()) {
            return new Verdict(ReplicaState.DOWN, "replication stopped (IO and SQL threads not running)");
        }
        if (!status.sqlRunning()) {
            return new Verdict(ReplicaState.LAGGING, "SQL thread not running: lag unknown");
        }
        Duration lag = status.lag();
        if (lag == null) {
            if (!status.ioRunning()) {
                // The primary is out of reach: what the replica applied is all there is to read.
                return new Verdict(ReplicaState.UP, "IO thread not running (primary unreachable?); serving the "
                        + "changes already applied");
            }
            return new Verdict(ReplicaState.LAGGING, "lag unknown");
        }
        if (lag.compareTo(this.maxLag) > 0) {
            return new Verdict(ReplicaState.LAGGING, "lag " + seconds(lag) + " > maxLag " + seconds(this.maxLag));
        }
        return new Verdict(ReplicaState.UP, "lag " + seconds(lag));
    }

    /**
     * @param failures outages in the series, at least 1
     * @param jitter a number in [0, 1), drawn at random by the caller
     * @return how long to rest after that many outages: the initial backoff, doubled for every further outage, at
     * most the maximum, then shortened or lengthened by up to {@link #JITTER}
     */
    Duration backoff(int failures, double jitter) {
        int doublings = Math.min(failures - 1, 30);
        long nanos = this.initialBackoff.toNanos() << doublings;
        long base = nanos <= 0 || nanos > this.maxBackoff.toNanos() ? this.maxBackoff.toNanos() : nanos;
        return Duration.ofNanos((long) (base * (1 - JITTER + 2 * JITTER * jitter)));
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }

    record Verdict(ReplicaState state, String reason) {
    }
}
