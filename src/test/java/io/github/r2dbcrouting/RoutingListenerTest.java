package io.github.r2dbcrouting;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.test.StepVerifier;
import reactor.test.util.RaceTestUtils;
import reactor.test.scheduler.VirtualTimeScheduler;

import static io.github.r2dbcrouting.Routing.withPrimary;
import static io.github.r2dbcrouting.Routing.withReplica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

final class RoutingListenerTest {

    private final StubConnectionFactory primary = new StubConnectionFactory("primary");

    private final StubConnectionFactory replica1 = new StubConnectionFactory("replica-1");

    private final StubConnectionFactory replica2 = new StubConnectionFactory("replica-2");

    private final RecordingListener listener = new RecordingListener();

    private RoutingConnectionFactory router;

    private RoutingConnectionFactory build(UnaryOperator<RoutingConfiguration.Builder> settings) {
        this.router = new RoutingConnectionFactory(settings.apply(RoutingConfiguration.builder()
                        .monitoring(false)
                        .primary(this.primary)
                        .replica("replica-1", this.replica1)
                        .replica("replica-2", this.replica2)
                        .listener(this.listener))
                .build());
        return this.router;
    }

    @AfterEach
    void close() {
        if (this.router != null) {
            this.router.dispose();
        }
    }

    private Mono<String> targetOf(Mono<? extends Connection> connection) {
        return Mono.usingWhen(connection, c -> Mono.just(StubConnectionFactory.targetOf(c)), Connection::close);
    }

    @Test
    void connectionWithoutRouteIsReportedFromThePrimary() {
        build(builder -> builder);

        targetOf(this.router.create()).as(StepVerifier::create).expectNext("primary").verifyComplete();

        assertThat(this.listener.events).containsExactly("started null", "acquired null from primary");
        assertThat(this.listener.ended.get(0).nanos()).isNotNegative();
    }

    @Test
    void primaryRouteIsReportedWithItsRoute() {
        build(builder -> builder);

        targetOf(this.router.create()).contextWrite(withPrimary())
                .as(StepVerifier::create).expectNext("primary").verifyComplete();

        assertThat(this.listener.events).containsExactly("started PRIMARY", "acquired PRIMARY from primary");
    }

    @Test
    void everyReplicaConnectionIsReportedFromTheReplicaThatServedIt() {
        build(builder -> builder);

        Flux.range(0, 4)
                .concatMap(i -> targetOf(this.router.create()))
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext("replica-1", "replica-2", "replica-1", "replica-2")
                .verifyComplete();

        assertThat(this.listener.events).containsExactly(
                "started REPLICA", "acquired REPLICA from replica-1",
                "started REPLICA", "acquired REPLICA from replica-2",
                "started REPLICA", "acquired REPLICA from replica-1",
                "started REPLICA", "acquired REPLICA from replica-2");
    }

    @Test
    void failoverIsReportedAndTheConnectionFromTheReplicaThatServed() {
        build(builder -> builder);
        this.replica1.failWith(new IllegalStateException("connection refused"));

        targetOf(this.router.create()).contextWrite(withReplica())
                .as(StepVerifier::create).expectNext("replica-2").verifyComplete();

        assertThat(this.listener.events).containsExactly(
                "started REPLICA",
                "state replica-1 UP -> DOWN",
                "failover replica-1 -> replica-2",
                "acquired REPLICA from replica-2");
    }

    @Test
    void fallbackToThePrimaryIsReportedWhenEveryReplicaFails() {
        build(builder -> builder);
        this.replica1.failWith(new IllegalStateException("connection refused"));
        this.replica2.failWith(new IllegalStateException("connection refused"));

        targetOf(this.router.create()).contextWrite(withReplica())
                .as(StepVerifier::create).expectNext("primary").verifyComplete();

        assertThat(this.listener.events).containsExactly(
                "started REPLICA",
                "state replica-1 UP -> DOWN",
                "failover replica-1 -> replica-2",
                "state replica-2 UP -> DOWN",
                "failover replica-2 -> null",
                "fallback NO_REPLICA_UP",
                "acquired REPLICA from primary");
    }

    @Test
    void failedPrimaryIsReportedWithTheErrorTheCallerGets() {
        build(builder -> builder);
        this.primary.failWith(new R2dbcNonTransientResourceException("connection refused"));

        this.router.create().as(StepVerifier::create).verifyError(PrimaryUnavailableException.class);

        assertThat(this.listener.events).containsExactly("started null",
                "failed null at primary: PrimaryUnavailableException");
    }

    @Test
    void replicaReadWithoutReplicaOrFallbackIsReportedAsFailedWithoutTarget() {
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(this.primary)
                .fallbackToPrimary(false)
                .listener(this.listener)
                .build());

        this.router.create().contextWrite(withReplica())
                .as(StepVerifier::create).verifyError(NoReplicaAvailableException.class);

        assertThat(this.listener.events).containsExactly("started REPLICA",
                "failed REPLICA at null: NoReplicaAvailableException");
    }

    @Test
    void cancelledAcquisitionIsReportedOnce() {
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(new NeverConnectionFactory())
                .listener(this.listener)
                .build());

        this.router.create().as(StepVerifier::create).expectSubscription().thenCancel().verify();

        assertThat(this.listener.events).containsExactly("started null", "cancelled null at primary");
    }

    @Test
    void connectionAfterAWaitThatAppliedIsReportedFromTheReplica() {
        ScriptedDialect dialect = new ScriptedDialect();
        dialect.lastWrite = "0-1-42";
        dialect.applies.put("replica-1", true);
        build(builder -> builder.dialect(dialect).scheduler(VirtualTimeScheduler.create()));
        RoutingSession session = new RoutingSession();

        write().then(targetOf(this.router.create()).contextWrite(withReplica()))
                .contextWrite(Routing.withSession(session))
                .as(StepVerifier::create).expectNext("replica-1").verifyComplete();

        assertThat(this.listener.events).containsExactly(
                "started null", "acquired null from primary",
                "started REPLICA", "wait on replica-1 APPLIED", "acquired REPLICA from replica-1");
    }

    @Test
    void waitThatDidNotApplyIsReportedAndTheReadFallsBackToThePrimary() {
        ScriptedDialect dialect = new ScriptedDialect();
        dialect.lastWrite = "0-1-42";
        build(builder -> builder.dialect(dialect).scheduler(VirtualTimeScheduler.create()));
        RoutingSession session = new RoutingSession();

        write().then(targetOf(this.router.create()).contextWrite(withReplica()))
                .contextWrite(Routing.withSession(session))
                .as(StepVerifier::create).expectNext("primary").verifyComplete();

        assertThat(this.listener.events).containsExactly(
                "started null", "acquired null from primary",
                "started REPLICA", "wait on replica-1 TIMED_OUT", "fallback READ_YOUR_WRITES",
                "acquired REPLICA from primary");
    }

    @Test
    void waitsBeyondTheLimitAreReportedAsSkipped() {
        ScriptedDialect dialect = new ScriptedDialect();
        dialect.lastWrite = "0-1-42";
        dialect.pendingWait = Mono.never();
        build(builder -> builder.dialect(dialect).maxReadYourWritesWaits(1)
                .scheduler(VirtualTimeScheduler.create()));
        RoutingSession first = new RoutingSession();
        RoutingSession second = new RoutingSession();
        write().contextWrite(Routing.withSession(first)).block();
        write().contextWrite(Routing.withSession(second)).block();
        this.listener.events.clear();

        StepVerifier.create(targetOf(this.router.create()).contextWrite(withReplica())
                        .contextWrite(Routing.withSession(first)))
                .expectSubscription()
                .then(() -> targetOf(this.router.create()).contextWrite(withReplica())
                        .contextWrite(Routing.withSession(second))
                        .as(StepVerifier::create).expectNext("primary").verifyComplete())
                .thenCancel()
                .verify();

        assertThat(this.listener.events).containsSubsequence("started REPLICA", "started REPLICA")
                .anyMatch(event -> event.startsWith("wait on replica-") && event.endsWith(" SKIPPED"))
                .containsSubsequence("fallback READ_YOUR_WRITES", "acquired REPLICA from primary")
                .last().asString().startsWith("cancelled REPLICA at replica-");
    }

    @Test
    void timeWindowReadIsReportedAsAFallbackForReadYourWrites() {
        build(builder -> builder.readYourWrites(ReadYourWrites.TIME_WINDOW)
                .scheduler(VirtualTimeScheduler.create()));
        RoutingSession session = new RoutingSession();

        write().then(targetOf(this.router.create()).contextWrite(withReplica()))
                .contextWrite(Routing.withSession(session))
                .as(StepVerifier::create).expectNext("primary").verifyComplete();

        assertThat(this.listener.events).containsSubsequence("started REPLICA", "fallback READ_YOUR_WRITES",
                "acquired REPLICA from primary");
    }

    @Test
    void everyListenerIsToldAlthoughAnEarlierOneThrows() {
        RoutingListener throwing = new RoutingListener() {
            @Override
            public void connectionAcquired(ConnectionAcquisition acquisition) {
                throw new IllegalStateException("listener bug");
            }
        };
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(this.primary)
                .listener(throwing)
                .listener(this.listener)
                .build());

        targetOf(this.router.create()).as(StepVerifier::create).expectNext("primary").verifyComplete();

        assertThat(this.listener.events).containsExactly("started null", "acquired null from primary");
    }

    @Test
    void attachmentsOfOneAcquisitionReachItsLaterEvents() {
        Object key = new Object();
        StringBuilder seen = new StringBuilder();
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(this.primary)
                .listener(new RoutingListener() {
                    @Override
                    public void acquisitionStarted(ConnectionAcquisition acquisition) {
                        acquisition.attach(key, "sample");
                    }

                    @Override
                    public void connectionAcquired(ConnectionAcquisition acquisition) {
                        seen.append(acquisition.attachment(key));
                    }
                })
                .build());

        targetOf(this.router.create()).as(StepVerifier::create).expectNext("primary").verifyComplete();

        assertThat(seen).hasToString("sample");
    }

    @Test
    void listenerSeesTheSubscribersContext() {
        StringBuilder seen = new StringBuilder();
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(this.primary)
                .listener(new RoutingListener() {
                    @Override
                    public void acquisitionStarted(ConnectionAcquisition acquisition) {
                        seen.append(acquisition.context().getOrDefault("request", "none"));
                    }
                })
                .build());

        targetOf(this.router.create()).contextWrite(context -> context.put("request", "r-1"))
                .as(StepVerifier::create).expectNext("primary").verifyComplete();

        assertThat(seen).hasToString("r-1");
    }

    @Test
    void cancelRacingTheConnectionEndsTheAcquisitionOnceAndLeavesNoConnectionOpen() {
        for (int round = 0; round < 300; round++) {
            AtomicReference<MonoSink<Connection>> arriving = new AtomicReference<>();
            RecordingListener recording = new RecordingListener();
            RoutingConnectionFactory racing = new RoutingConnectionFactory(RoutingConfiguration.builder()
                    .primary(new SinkConnectionFactory(arriving))
                    .listener(recording)
                    .build());
            Connection connection = this.primary.create().block();
            AtomicReference<Connection> received = new AtomicReference<>();
            // Unlike subscribe(Consumer), a BaseSubscriber takes a connection that arrives while it cancels, which is
            // then the caller's to close.
            BaseSubscriber<Connection> subscriber = new BaseSubscriber<>() {
                @Override
                protected void hookOnNext(Connection value) {
                    received.set(value);
                }
            };
            racing.create().subscribe(subscriber);

            RaceTestUtils.race(subscriber::dispose, () -> arriving.get().success(connection));

            Connection delivered = received.get();
            if (delivered != null) {
                Mono.from(delivered.close()).block();
            }
            assertThat(recording.ended).hasSize(1);
            assertThat(recording.events).hasSize(2)
                    .last().asString().isEqualTo(delivered != null ? "acquired null from primary"
                            : "cancelled null at primary");
            assertThat(this.primary.open).hasValue(0);
            racing.dispose();
        }
    }

    @Test
    void writesThatMoveAConnectionFromAReplicaToThePrimaryAreReportedOncePerConnection() {
        build(builder -> builder);

        Flux.just(Routing.withReplica(), Routing.withAutoRoute())
                .concatMap(route -> Mono.usingWhen(this.router.create(),
                        connection -> Flux.just("SELECT 1", "UPDATE t SET a = 1", "INSERT INTO t VALUES (2)")
                                .concatMap(sql -> Flux.from(connection.createStatement(sql).execute()))
                                .then(),
                        Connection::close).contextWrite(route))
                .then()
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(this.listener.events).filteredOn(event -> event.startsWith("escalated"))
                .containsExactly("escalated REPLICA from null", "escalated AUTO from null");
        assertThat(this.listener.events).contains("acquired AUTO from null");
    }

    @Test
    void nullListenerIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> RoutingConfiguration.builder().listener(null))
                .withMessage("listener must not be null");
    }

    private Mono<String> write() {
        return Mono.usingWhen(this.router.create(),
                connection -> Flux.from(connection.createStatement("INSERT INTO t VALUES (1)").execute())
                        .then(Mono.just(StubConnectionFactory.targetOf(connection))),
                Connection::close);
    }

    /**
     * Hands out the connection its test passes to the sink; one that arrives after a cancel is closed, as a pool does.
     */
    private record SinkConnectionFactory(AtomicReference<MonoSink<Connection>> sink) implements ConnectionFactory {

        @Override
        public Publisher<? extends Connection> create() {
            return Mono.<Connection>create(this.sink::set)
                    .doOnDiscard(Connection.class, connection -> Mono.from(connection.close()).subscribe());
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return () -> "sink";
        }
    }

    private static final class NeverConnectionFactory implements ConnectionFactory {

        @Override
        public Publisher<? extends Connection> create() {
            return Mono.never();
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return () -> "never";
        }
    }
}
