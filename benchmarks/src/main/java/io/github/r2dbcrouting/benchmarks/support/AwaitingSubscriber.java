package io.github.r2dbcrouting.benchmarks.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.reactivestreams.Subscription;
import reactor.util.context.Context;

/**
 * The part of a benchmark subscriber that waits: a publisher that completes during {@code subscribe()} (the stub
 * and pool-over-stub paths) costs one plain check, one that completes later on a driver thread parks the
 * benchmark thread until then. Every contender is subscribed the same way, so the harness cost cancels out.
 * <p>
 * One instance is reused for one subscription after another, on one thread ({@link Subscribers} is per thread).
 */
abstract class AwaitingSubscriber {

    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private static final VarHandle DONE;

    static {
        try {
            DONE = MethodHandles.lookup().findVarHandle(AwaitingSubscriber.class, "done", boolean.class);
        }
        catch (ReflectiveOperationException ex) {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private Context context = Context.empty();

    @SuppressWarnings("unused")
    private boolean done;

    private Throwable error;

    private Thread waiter;

    final void begin(Context subscriberContext) {
        this.context = subscriberContext;
        this.error = null;
        this.waiter = Thread.currentThread();
        DONE.setRelease(this, false);
    }

    /**
     * @return the Context the publisher sees, so that routers read their key from it
     */
    public final Context currentContext() {
        return this.context;
    }

    public final void onSubscribe(Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    final void fail(Throwable failure) {
        this.error = failure;
        finish();
    }

    final void finish() {
        DONE.setRelease(this, true);
        Thread thread = this.waiter;
        if (thread != Thread.currentThread()) {
            LockSupport.unpark(thread);
        }
    }

    final void await() {
        if (!(boolean) DONE.getAcquire(this)) {
            long deadline = System.nanoTime() + TIMEOUT_NANOS;
            while (!(boolean) DONE.getAcquire(this)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("Publisher did not complete within "
                            + TimeUnit.NANOSECONDS.toSeconds(TIMEOUT_NANOS) + "s");
                }
                LockSupport.parkNanos(this, left);
            }
        }
        Throwable failure = this.error;
        if (failure != null) {
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(failure);
        }
    }
}
