package io.github.r2dbcrouting;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Obtains one connection from a target for one subscriber, and decides what an acquisition error means: from a
 * replica, the same subscription moves on to the next replica and then to the primary (failover); from the primary,
 * it becomes a {@link PrimaryUnavailableException}. One object per {@code create()} subscription: it is the
 * subscriber of the target's publisher and the subscription of the caller, and switches targets in place.
 * <p>
 * A connection that arrives after the caller cancelled is closed here, never forwarded and never dropped.
 */
final class TargetSubscriber implements CoreSubscriber<Connection>, Subscription, Scannable {

    private static final int ACTIVE = 0;

    private static final int DELIVERED = 1;

    private static final int CANCELLED = 2;

    private static final AtomicIntegerFieldUpdater<TargetSubscriber> STATE =
            AtomicIntegerFieldUpdater.newUpdater(TargetSubscriber.class, "state");

    private final CoreSubscriber<? super Connection> actual;

    private final RoutingConnectionFactory router;

    /**
     * The replica being tried; {@code null} for the primary.
     */
    private @Nullable ReplicaTarget replica;

    /**
     * Whether errors go to the caller as they are: after failover handed over to the no-replica fallback, which
     * maps its own errors.
     */
    private boolean passErrors;

    private volatile @Nullable Subscription upstream;

    private volatile boolean requested;

    private volatile int state;

    private TargetSubscriber(CoreSubscriber<? super Connection> actual, RoutingConnectionFactory router,
            @Nullable ReplicaTarget replica) {
        this.actual = actual;
        this.router = router;
        this.replica = replica;
    }

    static void connect(CoreSubscriber<? super Connection> actual, RoutingConnectionFactory router,
            @Nullable ReplicaTarget replica) {
        new TargetSubscriber(actual, router, replica).connect();
    }

    private void connect() {
        ReplicaTarget target = this.replica;
        ConnectionFactory factory = target == null ? this.router.primary() : target.connectionFactory();
        Publisher<? extends Connection> connection;
        try {
            connection = factory.create();
        }
        catch (Throwable error) {
            connection = Mono.error(error);
        }
        if (connection instanceof Mono<?> mono) {
            // As Reactor's own operators do: subscribe a source with the CoreSubscriber overload, since the
            // assembly hooks ran when the caller subscribed to create().
            subscribeTo(mono);
        }
        else {
            connection.subscribe(this);
        }
    }

    @SuppressWarnings("unchecked")
    private void subscribeTo(Mono<?> connection) {
        ((Mono<Connection>) connection).subscribe((CoreSubscriber<Connection>) this);
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        boolean first = this.upstream == null;
        this.upstream = subscription;
        if (this.state == CANCELLED) {
            subscription.cancel();
        }
        else if (first) {
            this.actual.onSubscribe(this);
        }
        else if (this.requested) {
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(Connection connection) {
        if (STATE.compareAndSet(this, ACTIVE, DELIVERED)) {
            ReplicaTarget target = this.replica;
            RoutingSession session = Routing.currentSession(this.actual.currentContext());
            if (session != null) {
                session.served(target == null ? RoutingConfiguration.PRIMARY : target.name());
            }
            if (target != null) {
                this.actual.onNext(this.router.handOut(connection, target));
                return;
            }
            if (!this.passErrors) {
                this.router.primaryServed();
            }
            this.actual.onNext(connection);
            return;
        }
        discard(connection);
    }

    /**
     * Close a connection nobody will receive, so that it goes back to its pool.
     */
    private void discard(Connection connection) {
        Context context = this.actual.currentContext();
        try {
            Mono.from(connection.close()).subscribe(null, error -> Operators.onErrorDropped(error, context));
        }
        catch (RuntimeException error) {
            // Already closed by whoever else saw the cancellation.
            Operators.onErrorDropped(error, context);
        }
    }

    @Override
    public void onError(Throwable error) {
        if (this.state == CANCELLED) {
            Operators.onErrorDropped(error, this.actual.currentContext());
            return;
        }
        ReplicaTarget failed = this.replica;
        if (failed != null && !this.router.isDisposed()) {
            ReplicaTarget next = this.router.failedOver(failed, error, Routing.currentSession(currentContext()));
            this.replica = next;
            if (next != null) {
                connect();
            }
            else {
                this.passErrors = true;
                this.router.noReplica(Routing.currentSession(currentContext())).subscribe(this);
            }
            return;
        }
        this.actual.onError(this.passErrors || failed != null ? error : this.router.primaryFailed(error));
    }

    @Override
    public void onComplete() {
        if (this.state != CANCELLED) {
            this.actual.onComplete();
        }
    }

    @Override
    public void request(long n) {
        if (Operators.validate(n)) {
            this.requested = true;
            Subscription subscription = this.upstream;
            if (subscription != null) {
                subscription.request(n);
            }
        }
    }

    @Override
    public void cancel() {
        if (STATE.compareAndSet(this, ACTIVE, CANCELLED)) {
            Subscription subscription = this.upstream;
            if (subscription != null) {
                subscription.cancel();
            }
        }
    }

    @Override
    public Context currentContext() {
        return this.actual.currentContext();
    }

    @Override
    public @Nullable Object scanUnsafe(Attr key) {
        if (key == Attr.PARENT) {
            return this.upstream;
        }
        if (key == Attr.ACTUAL) {
            return this.actual;
        }
        if (key == Attr.CANCELLED) {
            return this.state == CANCELLED;
        }
        if (key == Attr.TERMINATED) {
            return this.state == DELIVERED;
        }
        if (key == Attr.RUN_STYLE) {
            return Attr.RunStyle.SYNC;
        }
        if (key == Attr.NAME) {
            ReplicaTarget target = this.replica;
            return "route to " + (target == null ? RoutingConfiguration.PRIMARY : target.name());
        }
        return null;
    }
}
