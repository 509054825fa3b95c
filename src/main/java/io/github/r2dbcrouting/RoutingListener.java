package io.github.r2dbcrouting;

import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import org.jspecify.annotations.Nullable;

/**
 * Told what a {@link RoutingConnectionFactory} decides: each connection it hands out and where from, each failover
 * from one replica to the next, each read sent to the primary instead of a replica, each read-your-writes wait, each
 * write escalated from a replica connection to the primary, and each change of a replica's state. Register one or
 * more with {@link RoutingConfiguration.Builder#listener(RoutingListener)}; the {@code micrometer} package turns these
 * events into meters and observations.
 * <p>
 * Every method has an empty default, so a listener implements only what it needs. Methods are called on the thread
 * of the event (a subscriber's, a driver's, a monitor's timer), synchronously, and must return quickly without
 * blocking. An exception thrown by a listener is logged at debug level and otherwise ignored: it never fails a
 * {@code create()}. No argument ever carries a password or a URL: targets are named as they were configured
 * ({@value RoutingConfiguration#PRIMARY}, {@code replica-1}, ...).
 * <p>
 * Without a listener the router checks one field per {@code create()} and does nothing else.
 * <pre class="code">
 * RoutingConfiguration.builder()
 *     .primary(primaryUrl)
 *     .replica("replica-1", replicaUrl)
 *     .listener(new RoutingListener() {
 *         &#64;Override
 *         public void failedOver(String failed, &#64;Nullable String next, Throwable error) {
 *             log.info("{} failed, reading from {}", failed, next);
 *         }
 *     })
 *     .build();
 * </pre>
 */
public interface RoutingListener {

    /**
     * A subscriber subscribed to {@link RoutingConnectionFactory#create()}: the acquisition of one connection
     * begins. Exactly one of {@link #connectionAcquired}, {@link #acquisitionFailed} and
     * {@link #acquisitionCancelled} follows, with the same {@code acquisition}.
     *
     * @param acquisition the route asked and the subscriber's Context; its {@link ConnectionAcquisition#target()}
     * is not known yet
     */
    default void acquisitionStarted(ConnectionAcquisition acquisition) {
    }

    /**
     * A connection is handed out to the subscriber.
     *
     * @param acquisition the route asked, the {@linkplain ConnectionAcquisition#target() target that served} and
     * {@linkplain ConnectionAcquisition#nanos() how long it took}, from subscription to hand-out, failovers and
     * read-your-writes waits included
     */
    default void connectionAcquired(ConnectionAcquisition acquisition) {
    }

    /**
     * {@code create()} emits an error to the subscriber: the primary did not hand out a connection
     * ({@link PrimaryUnavailableException}), no replica was UP with {@code fallbackToPrimary(false)}
     * ({@link NoReplicaAvailableException}), or the router is closed.
     *
     * @param acquisition the route asked, the last target tried ({@code null} when none was) and how long it took
     * @param error the error the subscriber receives
     */
    default void acquisitionFailed(ConnectionAcquisition acquisition, Throwable error) {
    }

    /**
     * The subscriber cancelled before it received a connection or an error. A connection that arrives later is
     * closed by the router.
     *
     * @param acquisition the route asked, the target being tried, if any, and how long until the cancellation
     */
    default void acquisitionCancelled(ConnectionAcquisition acquisition) {
    }

    /**
     * A replica did not hand out a connection and was taken out of rotation; the same {@code create()} goes on
     * with {@code next}, or, when no other replica is UP ({@code next} is {@code null}), with the primary or an
     * error as {@code fallbackToPrimary} says.
     *
     * @param failed the name of the replica that failed
     * @param next the name of the replica tried next, or {@code null} when no other replica is UP
     * @param error what the replica's factory emitted; its message may come from a driver, and is only safe to
     * show masked
     */
    default void failedOver(String failed, @Nullable String next, Throwable error) {
    }

    /**
     * A replica-routed {@code create()} is served by the primary instead.
     *
     * @param reason why
     */
    default void fellBackToPrimary(Fallback reason) {
    }

    /**
     * A read after the session's own write waited for a replica to apply that write (GTID strategy), or did not
     * wait because {@code maxReadYourWritesWaits} waits were already running.
     *
     * @param replica the name of the replica waited on
     * @param outcome how the wait ended; unless {@link WaitOutcome#APPLIED}, the read goes to the primary
     * @param nanos how long the wait took, its connection included; {@code 0} for {@link WaitOutcome#SKIPPED}
     */
    default void readYourWritesWaited(String replica, WaitOutcome outcome, long nanos) {
    }

    /**
     * A connection on the {@link Route#REPLICA replica} or {@link Route#AUTO auto} route was asked to run a write, a
     * locking read or anything else a replica cannot run, after it had started on a replica, and moves to the
     * primary, where it stays. Called once per escalated connection, before the statement is sent.
     *
     * @param route the route the connection was created with
     * @param replica the name of the replica the connection held before it escalated, or {@code null} when the
     * router does not tell it (it does not yet)
     */
    default void writeEscalated(Route route, @Nullable String replica) {
    }

    /**
     * A replica changed state: a probe found it lagging, down or healthy again, or a connection to it failed.
     *
     * @param replica the replica, a live view; its {@link Replica#reason()} says why, as it was when read
     * @param previous its state before
     * @param current its state now
     */
    default void replicaStateChanged(Replica replica, ReplicaState previous, ReplicaState current) {
    }

    /**
     * Why a replica-routed {@code create()} was served by the primary.
     */
    enum Fallback {

        /**
         * No replica was UP, and {@code fallbackToPrimary} is {@code true}.
         */
        NO_REPLICA_UP,

        /**
         * The session wrote recently, and no replica could be shown to have applied the write in time: within the
         * read-your-writes window, no replica caught up within {@code readYourWritesTimeout}, or the session's
         * replica is no longer UP.
         */
        READ_YOUR_WRITES
    }

    /**
     * How a read-your-writes wait ended.
     */
    enum WaitOutcome {

        /**
         * The replica applied the write in time, and serves the read.
         */
        APPLIED,

        /**
         * The replica did not apply the write within {@code readYourWritesTimeout}.
         */
        TIMED_OUT,

        /**
         * The replica did not hand out a connection, or the wait failed.
         */
        FAILED,

        /**
         * {@code maxReadYourWritesWaits} waits were already running: no wait.
         */
        SKIPPED
    }
}
