package io.github.r2dbcrouting;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import io.github.r2dbcrouting.dialect.ReplicationStatus;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static io.github.r2dbcrouting.Routing.withReplica;
import static org.assertj.core.api.Assertions.assertThat;

final class ReadYourWritesTest {

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

    private final StubConnectionFactory primary = new StubConnectionFactory("primary");

    private final StubConnectionFactory replica1 = new StubConnectionFactory("replica-1");

    private final StubConnectionFactory replica2 = new StubConnectionFactory("replica-2");

    private final ScriptedDialect dialect = new ScriptedDialect();

    private RoutingConnectionFactory router;

    private RoutingConnectionFactory build(ReadYourWrites readYourWrites, boolean monitoring) {
        return build(readYourWrites, monitoring, 4);
    }

    private RoutingConnectionFactory build(ReadYourWrites readYourWrites, boolean monitoring, int maxWaits) {
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(this.primary)
                .replica("replica-1", this.replica1)
                .replica("replica-2", this.replica2)
                .dialect(this.dialect)
                .monitoring(monitoring)
                .readYourWrites(readYourWrites)
                .maxReadYourWritesWaits(maxWaits)
                .scheduler(this.time)
                .build());
        return this.router;
    }

    private void replicaReports(String name, Duration lag, String position) {
        this.dialect.status.put(name, Mono.just(new ReplicationStatus(true, true, lag, position)));
    }

    @AfterEach
    void close() {
        this.router.dispose();
    }

    private Mono<String> write() {
        return Mono.usingWhen(this.router.create(),
                connection -> Flux.from(connection.createStatement("INSERT INTO t VALUES (1)").execute())
                        .then(Mono.just(StubConnectionFactory.targetOf(connection))),
                Connection::close);
    }

    private Mono<String> read() {
        return Mono.usingWhen(this.router.create(),
                connection -> Mono.just(StubConnectionFactory.targetOf(connection)),
                Connection::close).contextWrite(withReplica());
    }

    private static Mono<String> inSession(RoutingSession session, Mono<String> work) {
        return work.contextWrite(Routing.withSession(session));
    }

    @Test
    void writeInASessionRecordsItsPosition() {
        build(ReadYourWrites.GTID, false);
        this.dialect.lastWrite = "0-1-42";
        RoutingSession session = new RoutingSession();

        inSession(session, write()).as(StepVerifier::create).expectNext("primary").verifyComplete();

        assertThat(session.lastWritePosition()).isEqualTo("0-1-42");
        assertThat(session.lastWriteTime()).isEqualTo(Instant.ofEpochMilli(0));
    }

    @Test
    void selectOnThePrimaryRecordsNoWrite() {
        build(ReadYourWrites.GTID, false);
        RoutingSession session = new RoutingSession();
        Mono<String> select = Mono.usingWhen(this.router.create(),
                connection -> Flux.from(connection.createStatement("  select 1").execute()).then(Mono.just("ok")),
                Connection::close);

        inSession(session, select).as(StepVerifier::create).expectNext("ok").verifyComplete();

        assertThat(session.lastWriteTime()).isNull();
    }

    @Test
    void readAfterWriteUsesAReplicaKnownToHaveAppliedIt() {
        this.dialect.status.put("replica-1", Mono.just(ScriptedDialect.healthy("0-1-41")));
        this.dialect.status.put("replica-2", Mono.just(ScriptedDialect.healthy("0-1-42")));
        build(ReadYourWrites.GTID, true);
        this.dialect.lastWrite = "0-1-42";
        RoutingSession session = new RoutingSession();

        inSession(session, write().then(read().repeat(3).last()))
                .as(StepVerifier::create)
                .expectNext("replica-2")
                .verifyComplete();
        assertThat(this.dialect.waits).hasValue(0);
    }

    @Test
    void readAfterWriteWaitsOnAReplicaOnceThenReadsThere() {
        build(ReadYourWrites.GTID, false);
        this.dialect.lastWrite = "0-1-42";
        this.dialect.applies.put("replica-1", true);
        this.dialect.applies.put("replica-2", true);
        RoutingSession session = new RoutingSession();

        inSession(session, write().then(read()).then(read()))
                .as(StepVerifier::create)
                .assertNext(target -> assertThat(target).startsWith("replica-"))
                .verifyComplete();
        assertThat(this.dialect.waits).hasValue(1);
    }

    @Test
    void readAfterWriteGoesToPrimaryWhenTheReplicaDoesNotCatchUpAndReleasesIt() {
        build(ReadYourWrites.GTID, false);
        RoutingSession session = new RoutingSession();

        inSession(session, write().then(read()))
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();
        assertThat(this.dialect.waits).hasValue(1);
        assertThat(this.replica1.open.get() + this.replica2.open.get()).isZero();
    }

    @Test
    void sessionResumedFromAnEarlierRequestWaitsForItsWrite() {
        build(ReadYourWrites.GTID, false);
        RoutingSession session = RoutingSession.resume("0-1-7", Instant.ofEpochMilli(0));

        inSession(session, read()).as(StepVerifier::create).expectNext("primary").verifyComplete();
        assertThat(this.dialect.waits).hasValue(1);
    }

    @Test
    void timeWindowReadsFromPrimaryUntilTheWindowHasPassed() {
        build(ReadYourWrites.TIME_WINDOW, false);
        RoutingSession session = new RoutingSession();
        inSession(session, write()).as(StepVerifier::create).expectNext("primary").verifyComplete();

        inSession(session, read()).as(StepVerifier::create).expectNext("primary").verifyComplete();
        this.time.advanceTimeBy(Duration.ofMillis(1999));
        inSession(session, read()).as(StepVerifier::create).expectNext("primary").verifyComplete();
        this.time.advanceTimeBy(Duration.ofMillis(1));
        inSession(session, read()).as(StepVerifier::create)
                .assertNext(target -> assertThat(target).startsWith("replica-"))
                .verifyComplete();
        assertThat(this.dialect.waits).hasValue(0);
    }

    @Test
    void noneIgnoresWrites() {
        build(ReadYourWrites.NONE, false);
        RoutingSession session = new RoutingSession();
        inSession(session, write().then(read()))
                .as(StepVerifier::create)
                .assertNext(target -> assertThat(target).startsWith("replica-"))
                .verifyComplete();
        assertThat(session.lastWriteTime()).isNull();
    }

    @Test
    void readsOutsideASessionAreNotAffected() {
        build(ReadYourWrites.GTID, false);
        write().then(read())
                .as(StepVerifier::create)
                .assertNext(target -> assertThat(target).startsWith("replica-"))
                .verifyComplete();
        assertThat(this.dialect.waits).hasValue(0);
    }

    @Test
    void readAfterWriteDoesNotWaitOnReplicasKnownToLagMoreThanTheWaitLimit() {
        replicaReports("replica-1", Duration.ofSeconds(3), "0-1-40");
        replicaReports("replica-2", Duration.ofSeconds(4), "0-1-40");
        build(ReadYourWrites.GTID, true);
        this.time.advanceTime();
        this.dialect.lastWrite = "0-1-42";
        this.dialect.applies.put("replica-1", true);
        this.dialect.applies.put("replica-2", true);

        inSession(new RoutingSession(), write().then(read()))
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();
        assertThat(this.dialect.waits).hasValue(0);
        assertThat(this.replica1.created.get() + this.replica2.created.get()).as("the monitors' connections only")
                .isEqualTo(2);
    }

    @Test
    void readAfterWriteWaitsOnTheMostAdvancedReplicaThatCanCatchUp() {
        replicaReports("replica-1", Duration.ZERO, "0-1-40");
        replicaReports("replica-2", Duration.ZERO, "0-1-41");
        build(ReadYourWrites.GTID, true);
        this.time.advanceTime();
        this.dialect.lastWrite = "0-1-42";
        this.dialect.applies.put("replica-1", true);
        this.dialect.applies.put("replica-2", true);

        inSession(new RoutingSession(), write().then(read()))
                .as(StepVerifier::create)
                .expectNext("replica-2")
                .verifyComplete();

        replicaReports("replica-1", Duration.ofSeconds(3), "0-1-41");
        replicaReports("replica-2", Duration.ZERO, "0-1-40");
        this.time.advanceTimeBy(Duration.ofSeconds(1));
        inSession(new RoutingSession(), write().then(read()))
                .as(StepVerifier::create)
                .expectNext("replica-2")
                .verifyComplete();
        assertThat(this.dialect.waits).hasValue(2);
    }

    @Test
    void waitsBeyondTheLimitReadFromThePrimaryInsteadOfHoldingMoreConnections() {
        build(ReadYourWrites.GTID, false, 1);
        this.dialect.lastWrite = "0-1-42";
        Sinks.One<Boolean> applied = Sinks.one();
        this.dialect.pendingWait = applied.asMono();

        AtomicReference<String> firstTarget = new AtomicReference<>();
        Disposable first = inSession(new RoutingSession(), write().then(read())).subscribe(firstTarget::set);
        assertThat(this.dialect.waits).hasValue(1);
        assertThat(this.replica1.open.get() + this.replica2.open.get()).as("held by the one wait").isEqualTo(1);

        inSession(new RoutingSession(), write().then(read()))
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();
        assertThat(this.dialect.waits).hasValue(1);

        applied.tryEmitValue(true);
        assertThat(firstTarget.get()).startsWith("replica-");
        assertThat(first.isDisposed()).isTrue();
        assertThat(this.replica1.open.get() + this.replica2.open.get()).isZero();
    }
}
