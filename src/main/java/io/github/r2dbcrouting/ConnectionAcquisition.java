package io.github.r2dbcrouting;

import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

/**
 * One {@link RoutingConnectionFactory#create()} subscription as a {@link RoutingListener} sees it, from
 * {@link RoutingListener#acquisitionStarted} to its end: the route asked, the target that serves, the time taken,
 * and the subscriber's Context. The same object is passed to every call about one acquisition, so that a listener
 * can keep what it started (a timer sample, an observation) with {@link #attach(Object, Object)}.
 */
public interface ConnectionAcquisition {

    /**
     * @return the route in the subscriber's Context, or {@code null} when it had none (the builder's default route
     * serves)
     */
    @Nullable Route route();

    /**
     * @return the name of the target that served ({@value RoutingConfiguration#PRIMARY} or a replica's name) once a
     * connection is handed out; before, the target being tried; {@code null} while none is, and for a connection on
     * the {@link Route#AUTO auto} route, which picks its server at its first statement, after it was handed out
     */
    @Nullable String target();

    /**
     * @return nanoseconds from the subscription to the hand-out, the error or the cancellation once the acquisition
     * ended; before, nanoseconds so far
     */
    long nanos();

    /**
     * @return the Context of the subscriber, for example to find a parent observation
     */
    ContextView context();

    /**
     * Keep {@code value} with this acquisition under {@code key}, for a later event about it.
     *
     * @param key a key of the listener's own, compared by identity
     * @param value the value, or {@code null} to remove it
     */
    void attach(Object key, @Nullable Object value);

    /**
     * @param key a key given to {@link #attach(Object, Object)}
     * @return the value kept under {@code key}, or {@code null}
     */
    @Nullable Object attachment(Object key);
}
