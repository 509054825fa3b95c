package io.github.r2dbcrouting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.jspecify.annotations.Nullable;

/**
 * What one scope of work (a request, a pipeline) shares across its connections: the replica its reads stick to
 * (monotonic reads) and its last write (read-your-writes). Thread-safe.
 * <p>
 * {@link Routing#withStickyReplica()} opens a new session for each subscription. Integrations that carry a
 * session across requests create one with {@link #resume(String, Instant)} and bind it with
 * {@link Routing#withSession(RoutingSession)}.
 */
public final class RoutingSession {

    private static final AtomicReferenceFieldUpdater<RoutingSession, ReplicaTarget> REPLICA =
            AtomicReferenceFieldUpdater.newUpdater(RoutingSession.class, ReplicaTarget.class, "replica");

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<RoutingSession, List> SERVED_BY =
            AtomicReferenceFieldUpdater.newUpdater(RoutingSession.class, List.class, "servedBy");

    private static final AtomicReferenceFieldUpdater<RoutingSession, ConcurrentHashMap> CLUSTERS =
            AtomicReferenceFieldUpdater.newUpdater(RoutingSession.class, ConcurrentHashMap.class, "clusters");

    private volatile @Nullable ReplicaTarget replica;

    private volatile List<String> servedBy = List.of();

    private volatile @Nullable LastWrite lastWrite;

    private volatile @Nullable String confirmedPosition;

    /**
     * The sessions of this scope's work on other clusters than the default one, created on first use.
     */
    private volatile @Nullable ConcurrentHashMap<String, RoutingSession> clusters;

    /**
     * Start a session with no replica chosen and no write.
     */
    public RoutingSession() {
    }

    /**
     * Start a session that remembers a write made earlier, for example in a previous request of the same client.
     *
     * @param position the write's replication position, or {@code null} when only its time is known
     * @param time when the write committed
     * @return a new session
     * @throws IllegalArgumentException if {@code time} is {@code null}
     */
    public static RoutingSession resume(@Nullable String position, Instant time) {
        if (time == null) {
            throw new IllegalArgumentException("time must not be null");
        }
        RoutingSession session = new RoutingSession();
        session.lastWrite = new LastWrite(position, time.toEpochMilli());
        return session;
    }

    /**
     * @return the replication position of the session's last write, or {@code null} if unknown or none
     */
    public @Nullable String lastWritePosition() {
        LastWrite write = this.lastWrite;
        return write == null ? null : write.position();
    }

    /**
     * @return when the session's last write committed, or {@code null} if it made none
     */
    public @Nullable Instant lastWriteTime() {
        LastWrite write = this.lastWrite;
        return write == null ? null : Instant.ofEpochMilli(write.epochMillis());
    }

    @Nullable
    LastWrite lastWrite() {
        return this.lastWrite;
    }

    /**
     * Remember a write that committed at {@code epochMillis}; a write whose position is unknown keeps the position
     * of the session's earlier write, which it follows in the replication stream.
     */
    void recordWrite(@Nullable String position, long epochMillis) {
        LastWrite before = this.lastWrite;
        this.lastWrite = new LastWrite(position != null || before == null ? position : before.position(),
                epochMillis);
    }

    /**
     * Tell which targets handed out this session's connections so far, for example to name them in a log line or a
     * response header.
     *
     * @return the names of the targets ({@code primary} or a replica's name) in the order they first served; each
     * name once; unmodifiable
     */
    public List<String> servedBy() {
        return this.servedBy;
    }

    /**
     * Remember that {@code target} handed out one of this session's connections.
     */
    void served(String target) {
        for (;;) {
            List<String> before = this.servedBy;
            if (before.contains(target)) {
                return;
            }
            List<String> after = new ArrayList<>(before.size() + 1);
            after.addAll(before);
            after.add(target);
            if (SERVED_BY.compareAndSet(this, before, List.copyOf(after))) {
                return;
            }
        }
    }

    /**
     * @return this scope's session on the cluster {@code name}: its own sticky replica and last write, since a
     * replica or a replication position of one cluster means nothing on another
     */
    RoutingSession forCluster(String name) {
        ConcurrentHashMap<String, RoutingSession> sessions = this.clusters;
        if (sessions == null) {
            CLUSTERS.compareAndSet(this, null, new ConcurrentHashMap<>());
            sessions = this.clusters;
        }
        return sessions.computeIfAbsent(name, key -> new RoutingSession());
    }

    @Nullable
    ReplicaTarget replica() {
        return this.replica;
    }

    /**
     * Stick to {@code candidate} if the session still sticks to {@code expected}; otherwise keep the replica
     * another subscriber of this session chose first.
     *
     * @return the replica this session sticks to from now on
     */
    ReplicaTarget stick(ReplicaTarget candidate, @Nullable ReplicaTarget expected) {
        if (REPLICA.compareAndSet(this, expected, candidate)) {
            return candidate;
        }
        ReplicaTarget winner = this.replica;
        return winner != null ? winner : candidate;
    }

    boolean confirmed(String position) {
        return position.equals(this.confirmedPosition);
    }

    void confirm(String position) {
        this.confirmedPosition = position;
    }

    @Override
    public String toString() {
        ReplicaTarget current = this.replica;
        return "RoutingSession[replica=" + (current == null ? "none" : current.name()) + ", lastWrite="
                + (this.lastWrite == null ? "none" : lastWriteTime()) + "]";
    }
}
