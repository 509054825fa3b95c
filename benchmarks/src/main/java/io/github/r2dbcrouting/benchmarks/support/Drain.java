package io.github.r2dbcrouting.benchmarks.support;

import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.util.context.Context;

/**
 * Runs a whole unit of work: subscribes to a publisher with a given Context and returns its last value when it
 * completes.
 */
public final class Drain extends AwaitingSubscriber implements CoreSubscriber<Object> {

    private Object last;

    /**
     * @param work the unit of work, for example a {@code Mono.usingWhen(create(), query, close)}
     * @param context the Context it is subscribed with
     * @return the last value emitted, or {@code null}
     */
    public Object run(Publisher<?> work, Context context) {
        begin(context);
        this.last = null;
        work.subscribe(this);
        await();
        return this.last;
    }

    @Override
    public void onNext(Object value) {
        this.last = value;
    }

    @Override
    public void onError(Throwable failure) {
        fail(failure);
    }

    @Override
    public void onComplete() {
        finish();
    }
}
