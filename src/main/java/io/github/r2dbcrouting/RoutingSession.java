package io.github.r2dbcrouting;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.jspecify.annotations.Nullable;

/**
 * Mutable state shared by every {@code create()} under one sticky scope: the replica the scope's reads stick to.
 */
final class RoutingSession {

    private static final AtomicReferenceFieldUpdater<RoutingSession, Replica> REPLICA =
            AtomicReferenceFieldUpdater.newUpdater(RoutingSession.class, Replica.class, "replica");

    private volatile @Nullable Replica replica;

    @Nullable
    Replica replica() {
        return this.replica;
    }

    /**
     * Stick to {@code candidate} unless another subscriber of this scope stuck to a replica first.
     *
     * @return the replica this scope sticks to from now on
     */
    Replica stick(Replica candidate, @Nullable Replica previous) {
        if (REPLICA.compareAndSet(this, previous, candidate)) {
            return candidate;
        }
        Replica winner = this.replica;
        return winner != null ? winner : candidate;
    }

    @Override
    public String toString() {
        Replica current = this.replica;
        return "RoutingSession[replica=" + (current == null ? "none" : current.name()) + "]";
    }
}
