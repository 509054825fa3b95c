package io.github.r2dbcrouting;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One connection's share of a {@link DynamicCluster}'s in-use count: taken before the connection is asked for, and
 * given back exactly once, when the connection is closed or, if it never reached the caller, when the attempt
 * failed or was cancelled.
 */
final class ClusterLease {

    private static final int PENDING = 0;

    private static final int HANDED_OUT = 1;

    private static final int RELEASED = 2;

    private static final AtomicIntegerFieldUpdater<ClusterLease> STATE =
            AtomicIntegerFieldUpdater.newUpdater(ClusterLease.class, "state");

    private final DynamicCluster cluster;

    private volatile int state;

    ClusterLease(DynamicCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * @return whether the connection may go to the caller: {@code false} once the attempt was abandoned
     */
    boolean handOut() {
        return STATE.compareAndSet(this, PENDING, HANDED_OUT);
    }

    /**
     * The attempt failed or was cancelled before a connection reached the caller.
     */
    void abandon() {
        if (STATE.compareAndSet(this, PENDING, RELEASED)) {
            this.cluster.release();
        }
    }

    /**
     * The caller's connection was closed.
     */
    void closed() {
        if (STATE.compareAndSet(this, HANDED_OUT, RELEASED)) {
            this.cluster.release();
        }
    }
}
