package io.github.r2dbcrouting.benchmarks.support;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.util.context.Context;

/**
 * Obtains one connection and closes it: subscribes to {@code create()} with a given Context, takes the connection,
 * subscribes to its {@code close()}, and returns when that completes. No operator is assembled around either.
 */
public final class CreateClose extends AwaitingSubscriber implements CoreSubscriber<Connection> {

    private final Closer closer = new Closer();

    private Connection connection;

    /**
     * @param factory the factory to take a connection from
     * @param context the Context {@code create()} is subscribed with (a router reads its route from it)
     * @return the connection, already closed
     */
    public Connection run(ConnectionFactory factory, Context context) {
        begin(context);
        this.connection = null;
        factory.create().subscribe(this);
        await();
        return this.connection;
    }

    @Override
    public void onNext(Connection value) {
        this.connection = value;
    }

    @Override
    public void onError(Throwable failure) {
        fail(failure);
    }

    @Override
    public void onComplete() {
        Connection value = this.connection;
        if (value == null) {
            fail(new IllegalStateException("create() completed without a connection"));
            return;
        }
        value.close().subscribe(this.closer);
    }

    private final class Closer implements CoreSubscriber<Void> {

        @Override
        public Context currentContext() {
            return CreateClose.this.currentContext();
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Void value) {
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
}
