package io.github.r2dbcrouting.it;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Watches one replica as the router reports it: every 50ms it reads the replica's state and reason and records each
 * change, until {@link #stop()} or {@code maxDuration}. What it sees is what a caller of {@code router.replicas()}
 * sees, so a state that lasted less than 50ms may be missed; a replica that flaps once a second is not.
 */
public final class StateWatch {

    private static final Duration EVERY = Duration.ofMillis(50);

    private final Queue<Change> changes = new ConcurrentLinkedQueue<>();

    private final Disposable running;

    private StateWatch(Replica replica, LongSupplier clock, Duration maxDuration) {
        Change[] last = {null};
        this.running = Flux.interval(Duration.ZERO, EVERY)
                .take(maxDuration)
                .subscribe(tick -> {
                    Change now = new Change(Duration.ofNanos(clock.getAsLong()), replica.state(),
                            replica.reason());
                    Change before = last[0];
                    if (before == null || before.state() != now.state()
                            || !Objects.equals(before.reason(), now.reason())) {
                        this.changes.add(now);
                        last[0] = now;
                    }
                });
    }

    /**
     * Start watching.
     *
     * @param replica one of {@code router.replicas()}
     * @param clock nanoseconds on the clock the changes are reported on, such as {@link Load#now()}
     * @param maxDuration the longest it watches
     * @return the running watch
     */
    public static StateWatch start(Replica replica, LongSupplier clock, Duration maxDuration) {
        return new StateWatch(replica, clock, maxDuration);
    }

    /**
     * Stop watching.
     *
     * @return this watch, with what it saw
     */
    public StateWatch stop() {
        this.running.dispose();
        return this;
    }

    /**
     * @return every change of state or reason seen, the first reading included
     */
    public List<Change> changes() {
        return List.copyOf(this.changes);
    }

    /**
     * @return how many times the replica was seen to enter {@code state}, the first reading not counted
     */
    public long entered(ReplicaState state) {
        List<Change> seen = changes();
        long count = 0;
        for (int i = 1; i < seen.size(); i++) {
            if (seen.get(i).state() == state && seen.get(i - 1).state() != state) {
                count++;
            }
        }
        return count;
    }

    /**
     * @return how many times the reason was seen to change to one that {@code reason} accepts
     */
    public long reasonsMatching(Predicate<String> reason) {
        return changes().stream().skip(1).filter(change -> reason.test(change.reason())).count();
    }

    /**
     * One reading that differed from the one before.
     *
     * @param at when, on the watch's clock
     * @param state the state then
     * @param reason the reason then
     */
    public record Change(Duration at, ReplicaState state, String reason) {

        /**
         * @return when, the state, and the reason up to its first colon or semicolon: {@code 4529ms DOWN
         * (unreachable)}
         */
        @Override
        public String toString() {
            int end = this.reason.length();
            for (char stop : new char[] {':', ';'}) {
                int at = this.reason.indexOf(stop);
                end = at >= 0 ? Math.min(end, at) : end;
            }
            return this.at.toMillis() + "ms " + this.state + " (" + this.reason.substring(0, end) + ")";
        }
    }
}
