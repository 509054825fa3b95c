package io.github.r2dbcrouting;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Stands between a {@code create()} subscriber and the router when a {@link RoutingListener} is registered: it tells
 * the listener when the acquisition starts and how it ends, with the route, the target and the time. Only built when
 * a listener is registered, so a router without one pays nothing for it.
 * <p>
 * The target is learnt from whichever part of the router obtains the connection: this object sits in the Context of
 * the subscription under a private key, and each attempt on a target names it with {@link #trying}.
 * <p>
 * A connection that arrives after the acquisition was reported as cancelled is closed here, never forwarded, so that
 * what the listener was told and what the subscriber got agree.
 */
final class AcquisitionSubscriber implements CoreSubscriber<Connection>, Subscription, Scannable,
        ConnectionAcquisition {

    private static final String KEY = AcquisitionSubscriber.class.getName() + ".ACQUISITION";

    private static final int ACTIVE = 0;

    private static final int ENDED = 1;

    private static final int CANCELLED = 2;

    private static final AtomicIntegerFieldUpdater<AcquisitionSubscriber> STATE =
            AtomicIntegerFieldUpdater.newUpdater(AcquisitionSubscriber.class, "state");

    private static final AtomicReferenceFieldUpdater<AcquisitionSubscriber, Object[]> ATTACHMENTS =
            AtomicReferenceFieldUpdater.newUpdater(AcquisitionSubscriber.class, Object[].class, "attachments");

    private final CoreSubscriber<? super Connection> actual;

    private final RoutingListener listener;

    private final @Nullable Route route;

    private final long start;

    private final Context context;

    private volatile @Nullable String target;

    private volatile long nanos;

    private volatile Object[] attachments = new Object[0];

    private volatile @Nullable Subscription upstream;

    private volatile int state;

    private AcquisitionSubscriber(CoreSubscriber<? super Connection> actual, RoutingListener listener,
            @Nullable Route route) {
        this.actual = actual;
        this.listener = listener;
        this.route = route;
        this.start = System.nanoTime();
        this.context = actual.currentContext().put(KEY, this);
    }

    /**
     * @return a subscriber that reports to {@code listener} and forwards to {@code actual}; the listener has been
     * told that the acquisition started
     */
    static AcquisitionSubscriber start(CoreSubscriber<? super Connection> actual, RoutingListener listener,
            @Nullable Route route) {
        AcquisitionSubscriber acquisition = new AcquisitionSubscriber(actual, listener, route);
        listener.acquisitionStarted(acquisition);
        return acquisition;
    }

    /**
     * Note that the acquisition in {@code context}, if any, is trying {@code target} now.
     */
    static void trying(ContextView context, String target) {
        AcquisitionSubscriber acquisition = context.getOrDefault(KEY, null);
        if (acquisition != null) {
            acquisition.target = target;
        }
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        this.upstream = subscription;
        this.actual.onSubscribe(this);
    }

    @Override
    public void onNext(Connection connection) {
        if (end()) {
            this.listener.connectionAcquired(this);
            this.actual.onNext(connection);
        }
        else if (this.state == CANCELLED) {
            // Reported as cancelled: then it is not handed out either, but closed so that it goes back to its pool.
            discard(connection);
        }
        else {
            this.actual.onNext(connection);
        }
    }

    private void discard(Connection connection) {
        Context context = this.actual.currentContext();
        try {
            Mono.from(connection.close()).subscribe(null, error -> Operators.onErrorDropped(error, context));
        }
        catch (RuntimeException error) {
            Operators.onErrorDropped(error, context);
        }
    }

    @Override
    public void onError(Throwable error) {
        if (end()) {
            this.listener.acquisitionFailed(this, error);
        }
        this.actual.onError(error);
    }

    @Override
    public void onComplete() {
        this.actual.onComplete();
    }

    @Override
    public void request(long n) {
        Subscription subscription = this.upstream;
        if (subscription != null) {
            subscription.request(n);
        }
    }

    @Override
    public void cancel() {
        Subscription subscription = this.upstream;
        if (subscription != null) {
            subscription.cancel();
        }
        if (end(CANCELLED)) {
            this.listener.acquisitionCancelled(this);
        }
    }

    /**
     * @return whether this call ended the acquisition, which then has its time
     */
    private boolean end() {
        return end(ENDED);
    }

    private boolean end(int how) {
        if (this.state == ACTIVE && STATE.compareAndSet(this, ACTIVE, how)) {
            this.nanos = System.nanoTime() - this.start;
            return true;
        }
        return false;
    }

    @Override
    public @Nullable Route route() {
        return this.route;
    }

    @Override
    public @Nullable String target() {
        return this.target;
    }

    @Override
    public long nanos() {
        return this.state != ACTIVE ? this.nanos : System.nanoTime() - this.start;
    }

    @Override
    public ContextView context() {
        return this.actual.currentContext();
    }

    @Override
    public void attach(Object key, @Nullable Object value) {
        for (;;) {
            Object[] current = this.attachments;
            Object[] changed = null;
            for (int i = 0; i < current.length; i += 2) {
                if (current[i] == key) {
                    changed = current.clone();
                    changed[i + 1] = value;
                    break;
                }
            }
            if (changed == null) {
                changed = Arrays.copyOf(current, current.length + 2);
                changed[current.length] = key;
                changed[current.length + 1] = value;
            }
            if (ATTACHMENTS.compareAndSet(this, current, changed)) {
                return;
            }
        }
    }

    @Override
    public @Nullable Object attachment(Object key) {
        Object[] current = this.attachments;
        for (int i = 0; i < current.length; i += 2) {
            if (current[i] == key) {
                return current[i + 1];
            }
        }
        return null;
    }

    @Override
    public Context currentContext() {
        return this.context;
    }

    @Override
    public @Nullable Object scanUnsafe(Attr key) {
        if (key == Attr.PARENT) {
            return this.upstream;
        }
        if (key == Attr.ACTUAL) {
            return this.actual;
        }
        if (key == Attr.TERMINATED) {
            return this.state == ENDED;
        }
        if (key == Attr.CANCELLED) {
            return this.state == CANCELLED;
        }
        if (key == Attr.RUN_STYLE) {
            return Attr.RunStyle.SYNC;
        }
        return null;
    }

    @Override
    public String toString() {
        return "ConnectionAcquisition[route=" + this.route + ", target=" + this.target + "]";
    }
}
