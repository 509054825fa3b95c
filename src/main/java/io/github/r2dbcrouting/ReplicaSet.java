package io.github.r2dbcrouting;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.stream.Collectors;

import io.github.r2dbcrouting.dialect.ReplicationStatus;
import io.github.r2dbcrouting.internal.Masking;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaSelector;
import io.github.r2dbcrouting.replica.ReplicaState;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The replicas of one router: which of them are UP, which one a read goes to, what a failure does to a replica
 * (DOWN, resting for a backoff) and how it comes back (a probe of its monitor, or the end of its rest when nothing
 * monitors it).
 * <p>
 * The list of UP replicas is an immutable snapshot, rebuilt after each change of state and published with a
 * version, so that a rebuild that raced with a later change never overwrites the later one. Nothing here locks.
 */
final class ReplicaSet implements ReplicationMonitor.Listener, Disposable {

    private static final Logger logger = Loggers.getLogger(ReplicaSet.class);

    private static final AtomicLongFieldUpdater<ReplicaSet> CHANGES =
            AtomicLongFieldUpdater.newUpdater(ReplicaSet.class, "changes");

    private static final AtomicReferenceFieldUpdater<ReplicaSet, Usable> USABLE =
            AtomicReferenceFieldUpdater.newUpdater(ReplicaSet.class, Usable.class, "usable");

    private final List<ReplicaTarget> targets;

    private final List<Replica> view;

    private final ReplicaSelector selector;

    private final HealthPolicy policy;

    private final boolean monitored;

    private final Scheduler scheduler;

    private volatile long changes;

    private volatile Usable usable;

    private volatile boolean disposed;

    ReplicaSet(List<ReplicaTarget> targets, ReplicaSelector selector, HealthPolicy policy, boolean monitored,
            Scheduler scheduler) {
        this.targets = List.copyOf(targets);
        this.view = List.copyOf(targets);
        this.selector = selector;
        this.policy = policy;
        this.monitored = monitored;
        this.scheduler = scheduler;
        this.usable = new Usable(0, this.view);
    }

    /**
     * @return every replica, in the order configured; unmodifiable
     */
    List<Replica> all() {
        return this.view;
    }

    List<ReplicaTarget> targets() {
        return this.targets;
    }

    boolean isEmpty() {
        return this.targets.isEmpty();
    }

    /**
     * @return the UP replicas right now; unmodifiable, the same list until a replica changes state
     */
    List<Replica> usable() {
        return this.usable.replicas;
    }

    /**
     * Choose the replica for a read: the session's replica while it is UP, otherwise the selector's choice (which a
     * session then sticks to).
     *
     * @return the replica, or {@code null} when none is UP
     */
    @Nullable
    ReplicaTarget choose(@Nullable RoutingSession session) {
        List<Replica> candidates = this.usable.replicas;
        if (candidates.isEmpty()) {
            return null;
        }
        if (session == null) {
            return select(candidates);
        }
        ReplicaTarget sticky = session.replica();
        if (sticky != null && sticky.state() == ReplicaState.UP) {
            return sticky;
        }
        return session.stick(select(candidates), sticky);
    }

    /**
     * Ask the selector, and check that it answered with one of the candidates.
     */
    ReplicaTarget select(List<Replica> candidates) {
        Replica chosen = this.selector.select(candidates);
        if (chosen instanceof ReplicaTarget target) {
            return target;
        }
        throw new IllegalStateException("ReplicaSelector " + this.selector + " returned " + chosen
                + ", which is not one of the replicas it was given: return an element of its argument");
    }

    /**
     * Record that {@code failed} did not hand out a connection, and choose where the same subscription goes next.
     *
     * @return the next replica to try, or {@code null} when no other replica is UP
     */
    @Nullable
    ReplicaTarget failedOver(ReplicaTarget failed, Throwable error, @Nullable RoutingSession session) {
        failed(failed, error);
        ReplicaTarget next = choose(session);
        if (next == null || next == failed) {
            return null;
        }
        logger.debug("Connection to {} failed; using {}", failed.name(), next.name());
        return next;
    }

    /**
     * Record that {@code replica} failed to hand out a connection: DOWN, resting for its backoff.
     */
    void failed(ReplicaTarget replica, Throwable error) {
        String why = "connection failed: " + describe(error);
        long now = nanos();
        double jitter = ThreadLocalRandom.current().nextDouble();
        changed(replica, replica.update(health -> health.failed(why, this.policy, now, jitter)));
        if (!this.monitored) {
            reinstateAfterRest(replica);
        }
    }

    @Override
    public void probed(ReplicaTarget replica, @Nullable ReplicationStatus status) {
        long now = nanos();
        double jitter = ThreadLocalRandom.current().nextDouble();
        changed(replica, replica.update(health -> health.probed(status, this.policy, now, jitter)));
    }

    @Override
    public void unreachable(ReplicaTarget replica, Throwable error) {
        String why = "unreachable: " + describe(error);
        long now = nanos();
        double jitter = ThreadLocalRandom.current().nextDouble();
        changed(replica, replica.update(health -> health.failed(why, this.policy, now, jitter)));
    }

    /**
     * Without a monitor, put a failed replica back into rotation when its rest is over. One timer per replica: a
     * new failure replaces the pending one.
     */
    private void reinstateAfterRest(ReplicaTarget replica) {
        if (this.disposed) {
            return;
        }
        long rest = replica.health().restNanos(nanos());
        try {
            replica.reinstatement.update(this.scheduler.schedule(() -> {
                ReplicaHealth before = replica.update(health -> health.reinstated(nanos()));
                changed(replica, before);
                if (before == null && replica.state() == ReplicaState.DOWN) {
                    // It failed again meanwhile: its rest is longer now.
                    reinstateAfterRest(replica);
                }
            }, rest, TimeUnit.NANOSECONDS));
        }
        catch (RejectedExecutionException ex) {
            logger.debug("Cannot schedule the return of {}: {}", replica.name(), ex.toString());
        }
    }

    /**
     * After a replica's state may have changed: publish the new list of UP replicas and log the change once.
     *
     * @param previous the health before, if the state changed; {@code null} if it did not
     */
    private void changed(ReplicaTarget replica, @Nullable ReplicaHealth previous) {
        if (previous == null) {
            return;
        }
        publish(CHANGES.incrementAndGet(this));
        ReplicaHealth now = replica.health();
        if (!previous.checked()) {
            // Its first state: it was never UP, whatever the initial optimism said.
            if (now.state() == ReplicaState.UP) {
                logger.info("Replica {} is UP: {}", replica.name(), now.reason());
            }
            else {
                logger.warn("Replica {} is {} at its first check: {}", replica.name(), now.state(), now.reason());
            }
        }
        else if (now.state() == ReplicaState.UP) {
            logger.info("Replica {} is UP again (was {}): {}", replica.name(), previous.state(), now.reason());
        }
        else {
            logger.warn("Replica {} is {} (was {}): {}", replica.name(), now.state(), previous.state(),
                    now.reason());
        }
    }

    private void publish(long version) {
        for (;;) {
            Usable current = this.usable;
            if (current.version >= version) {
                // A rebuild that saw this change is already published.
                return;
            }
            List<Replica> up = this.targets.stream()
                    .filter(target -> target.state() == ReplicaState.UP)
                    .collect(Collectors.toUnmodifiableList());
            if (USABLE.compareAndSet(this, current, new Usable(version, up))) {
                return;
            }
        }
    }

    /**
     * @return why no replica can serve a read, naming each replica's state and reason
     */
    String describe() {
        if (this.targets.isEmpty()) {
            return "No replica is configured";
        }
        return this.targets.stream()
                .map(replica -> replica.name() + ": " + replica.state() + ", " + replica.reason())
                .collect(Collectors.joining("; ", "No replica is UP (", ")"));
    }

    /**
     * @return what replica reads do while the primary is unavailable, from the replicas' states now
     */
    String readsWithoutPrimary(boolean fallbackToPrimary) {
        int up = this.usable.replicas.size();
        if (this.targets.isEmpty()) {
            return "there is no replica, so reads fail too";
        }
        if (up > 0) {
            return "replica reads go on (" + up + " of " + this.targets.size() + " replicas UP)";
        }
        return "no replica is UP either, so replica reads " + (fallbackToPrimary ? "fall back to the primary and "
                + "fail too" : "fail with NoReplicaAvailableException");
    }

    long nanos() {
        return this.scheduler.now(TimeUnit.NANOSECONDS);
    }

    /**
     * @return the error's message, or its class when it has none, with anything that looks like a password masked:
     * it becomes a replica's reason, a log line and part of other errors' messages
     */
    static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : Masking.text(message);
    }

    /**
     * Cancel the pending returns of failed replicas.
     */
    @Override
    public void dispose() {
        this.disposed = true;
        this.targets.forEach(target -> target.reinstatement.dispose());
    }

    @Override
    public boolean isDisposed() {
        return this.disposed;
    }

    @Override
    public String toString() {
        return this.targets.stream().map(ReplicaTarget::name).collect(Collectors.joining(", ", "[", "]"));
    }

    private record Usable(long version, List<Replica> replicas) {
    }
}
