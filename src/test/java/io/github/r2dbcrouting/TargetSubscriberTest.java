package io.github.r2dbcrouting;

import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.util.RaceTestUtils;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What becomes of a connection when its caller cancels at the same moment it arrives, fails over or waits: it is
 * delivered or it is closed, exactly once, never dropped. The targets here ignore cancellation, as a pool that is
 * already handing a connection out does.
 */
final class TargetSubscriberTest {

    private static final int ROUNDS = 2_000;

    private static final R2dbcNonTransientResourceException REFUSED =
            new R2dbcNonTransientResourceException("Connection refused");

    private final StubConnectionFactory primary = new StubConnectionFactory("primary");

    private final StubConnectionFactory replica2 = new StubConnectionFactory("replica-2");

    private final PendingConnections replica1 = new PendingConnections(new StubConnectionFactory("replica-1"));

    private final ScriptedDialect dialect = new ScriptedDialect();

    private RoutingConnectionFactory router() {
        return new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(this.primary)
                .replica("replica-1", this.replica1)
                .replica("replica-2", this.replica2)
                .replicaSelection(replicas -> replicas.get(0))
                .monitoring(false)
                .dialect(this.dialect)
                .scheduler(VirtualTimeScheduler.create())
                .build());
    }

    private int open() {
        return this.primary.open.get() + this.replica1.stub.open.get() + this.replica2.open.get();
    }

    @Test
    void aConnectionThatArrivesAfterCancelIsClosedAndNotForwarded() {
        RoutingConnectionFactory router = router();
        Receiver receiver = new Receiver(Routing.withReplica().apply(Context.empty()));
        router.create().subscribe(receiver);

        receiver.cancel();
        this.replica1.next();

        assertThat(receiver.received).isNull();
        assertThat(receiver.received()).isZero();
        assertThat(this.replica1.stub.created).hasValue(1);
        assertThat(open()).isZero();
    }

    @Test
    void anErrorThatArrivesAfterCancelFailsOverNowhere() {
        RoutingConnectionFactory router = router();
        Receiver receiver = new Receiver(Routing.withReplica().apply(Context.empty()));
        router.create().subscribe(receiver);

        receiver.cancel();
        Hooks.onErrorDropped(error -> { });
        try {
            this.replica1.error(REFUSED);
        }
        finally {
            Hooks.resetOnErrorDropped();
        }

        assertThat(receiver.received()).isZero();
        assertThat(this.replica2.attempts).hasValue(0);
        assertThat(this.primary.attempts).hasValue(0);
    }

    @Test
    void cancelDuringAReadYourWritesWaitClosesTheReplicaConnection() {
        RoutingSession session = RoutingSession.resume("0-1-5", Instant.now());
        RoutingConnectionFactory router = router();
        Sinks.One<Boolean> applied = Sinks.one();
        this.dialect.pendingWait = applied.asMono();
        Receiver receiver = new Receiver(Routing.withReplica()
                .apply(Routing.withSession(session).apply(Context.empty())));
        router.create().subscribe(receiver);
        this.replica1.next();
        assertThat(this.replica1.stub.open).as("held for the wait").hasValue(1);

        receiver.cancel();
        applied.tryEmitValue(true);

        assertThat(receiver.received()).isZero();
        assertThat(open()).isZero();
    }

    @Test
    void cancelRacingTheConnectionEitherDeliversItOrClosesIt() {
        int delivered = 0;
        for (int round = 0; round < ROUNDS; round++) {
            RoutingConnectionFactory router = router();
            Receiver receiver = new Receiver(Routing.withReplica().apply(Context.empty()));
            router.create().subscribe(receiver);

            RaceTestUtils.race(this.replica1::next, receiver::cancel);

            delivered += receiver.closeWhatArrived();
            assertThat(receiver.received()).isLessThanOrEqualTo(1);
            assertThat(open()).as("round %d", round).isZero();
        }
        assertThat(this.replica1.stub.created).hasValue(ROUNDS);
        // Both outcomes occur; which one wins each round is up to the race.
        assertThat(delivered).isBetween(0, ROUNDS);
    }

    @Test
    void cancelRacingFailoverToTheNextReplicaLeavesNoConnectionOpen() {
        AtomicInteger dropped = new AtomicInteger();
        Hooks.onErrorDropped(error -> dropped.incrementAndGet());
        try {
            failOverWhileCancelling();
        }
        finally {
            Hooks.resetOnErrorDropped();
        }
        assertThat(dropped.get()).as("errors that arrived after cancel").isBetween(0, ROUNDS);
    }

    private void failOverWhileCancelling() {
        for (int round = 0; round < ROUNDS; round++) {
            RoutingConnectionFactory router = router();
            Receiver receiver = new Receiver(Routing.withReplica().apply(Context.empty()));
            router.create().subscribe(receiver);

            RaceTestUtils.race(() -> this.replica1.error(REFUSED), receiver::cancel);

            receiver.closeWhatArrived();
            assertThat(receiver.received()).isLessThanOrEqualTo(1);
            assertThat(open()).as("round %d", round).isZero();
        }
    }

    @Test
    void cancelRacingAReadYourWritesWaitReleasesTheReplicaConnection() {
        for (int round = 0; round < ROUNDS; round++) {
            RoutingSession session = RoutingSession.resume("0-1-5", Instant.now());
            RoutingConnectionFactory router = router();
            Sinks.One<Boolean> applied = Sinks.one();
            this.dialect.pendingWait = applied.asMono();
            Receiver receiver = new Receiver(Routing.withReplica()
                    .apply(Routing.withSession(session).apply(Context.empty())));
            router.create().subscribe(receiver);
            this.replica1.next();
            assertThat(this.dialect.waits).as("round %d waits", round).hasValue(round + 1);

            RaceTestUtils.race(() -> applied.tryEmitValue(true), receiver::cancel);

            receiver.closeWhatArrived();
            assertThat(open()).as("round %d", round).isZero();
        }
    }

    @Test
    void theSubscriberShowsItsActualAndItsStateToReactorsTools() {
        RoutingConnectionFactory router = router();
        Receiver receiver = new Receiver(Routing.withReplica().apply(Context.empty()));
        router.create().subscribe(receiver);

        // A replica route wraps what the target subscriber delivers: the subscriber is one step up.
        Scannable subscription = Scannable.from(Scannable.from(receiver.subscription).scan(Scannable.Attr.PARENT));
        assertThat(subscription.isScanAvailable()).isTrue();
        assertThat(subscription.scanUnsafe(Scannable.Attr.ACTUAL)).isSameAs(receiver.subscription);
        assertThat(subscription.scan(Scannable.Attr.CANCELLED)).isFalse();
        assertThat(subscription.name()).isEqualTo("route to replica-1");
        assertThat(Scannable.from(router.create()).scan(Scannable.Attr.RUN_STYLE))
                .isEqualTo(Scannable.Attr.RunStyle.SYNC);

        receiver.cancel();
        assertThat(subscription.scan(Scannable.Attr.CANCELLED)).isTrue();
        this.replica1.next();
        assertThat(open()).isZero();
    }

    /**
     * A subscriber with a fixed Context that requests one connection and remembers what it received.
     */
    private static final class Receiver implements CoreSubscriber<Connection> {

        private final Context context;

        private final AtomicInteger count = new AtomicInteger();

        volatile @Nullable Subscription subscription;

        volatile @Nullable Connection received;

        Receiver(Context context) {
            this.context = context;
        }

        @Override
        public Context currentContext() {
            return this.context;
        }

        @Override
        public void onSubscribe(Subscription s) {
            this.subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(Connection connection) {
            this.count.incrementAndGet();
            this.received = connection;
        }

        @Override
        public void onError(Throwable error) {
        }

        @Override
        public void onComplete() {
        }

        void cancel() {
            Subscription s = this.subscription;
            if (s != null) {
                s.cancel();
            }
        }

        int received() {
            return this.count.get();
        }

        /**
         * @return 1 if a connection arrived (and is now closed), 0 if not
         */
        int closeWhatArrived() {
            Connection connection = this.received;
            if (connection == null) {
                return 0;
            }
            Mono.from(connection.close()).block();
            return 1;
        }
    }

    /**
     * A target whose connections arrive when the test says so, even after the caller cancelled.
     */
    private static final class PendingConnections implements ConnectionFactory {

        final StubConnectionFactory stub;

        private final Queue<TestPublisher<Connection>> pending = new ConcurrentLinkedQueue<>();

        PendingConnections(StubConnectionFactory stub) {
            this.stub = stub;
        }

        @Override
        public Publisher<? extends Connection> create() {
            TestPublisher<Connection> publisher =
                    TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
            this.pending.add(publisher);
            return publisher;
        }

        void next() {
            Connection connection = this.stub.create().block();
            this.pending.remove().next(connection).complete();
        }

        void error(Throwable error) {
            this.pending.remove().error(error);
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return this.stub.getMetadata();
        }
    }
}
