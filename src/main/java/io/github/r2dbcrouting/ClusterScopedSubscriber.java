package io.github.r2dbcrouting;

import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Passes a cluster's connection to the caller unchanged, and shows the cluster's router the caller's Context with
 * the caller's session replaced by its session on that cluster ({@link RoutingSession#forCluster(String)}): a sticky
 * replica or a write position of one cluster must not steer a read on another.
 */
final class ClusterScopedSubscriber implements CoreSubscriber<Connection>, Scannable {

    private final CoreSubscriber<? super Connection> actual;

    private final Context context;

    private ClusterScopedSubscriber(CoreSubscriber<? super Connection> actual, Context context) {
        this.actual = actual;
        this.context = context;
    }

    /**
     * @return a subscriber that shows the cluster's router {@code context} with {@code session} in place of the
     * caller's
     */
    static CoreSubscriber<? super Connection> of(CoreSubscriber<? super Connection> actual, ContextView context,
            RoutingSession session) {
        return new ClusterScopedSubscriber(actual, Routing.withSession(session).apply(Context.of(context)));
    }

    /**
     * @return {@code context} with its session, if any, replaced by that session's on {@code cluster}
     */
    static Context scoped(Context context, String cluster) {
        RoutingSession session = Routing.currentSession(context);
        return session == null ? context : scoped(context, session, cluster);
    }

    private static Context scoped(Context context, RoutingSession session, String cluster) {
        return Routing.withSession(session.forCluster(cluster)).apply(context);
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        this.actual.onSubscribe(subscription);
    }

    @Override
    public void onNext(Connection connection) {
        this.actual.onNext(connection);
    }

    @Override
    public void onError(Throwable error) {
        this.actual.onError(error);
    }

    @Override
    public void onComplete() {
        this.actual.onComplete();
    }

    @Override
    public Context currentContext() {
        return this.context;
    }

    @Override
    public @Nullable Object scanUnsafe(Attr key) {
        if (key == Attr.ACTUAL) {
            return this.actual;
        }
        return key == Attr.RUN_STYLE ? Attr.RunStyle.SYNC : null;
    }
}
