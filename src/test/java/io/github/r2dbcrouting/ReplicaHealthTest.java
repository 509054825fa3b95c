package io.github.r2dbcrouting;

import java.time.Duration;

import io.github.r2dbcrouting.dialect.ReplicationStatus;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static io.github.r2dbcrouting.Routing.withReplica;
import static org.assertj.core.api.Assertions.assertThat;

final class ReplicaHealthTest {

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

    private final StubConnectionFactory primary = new StubConnectionFactory("primary");

    private final StubConnectionFactory replica1 = new StubConnectionFactory("replica-1");

    private final StubConnectionFactory replica2 = new StubConnectionFactory("replica-2");

    private final ScriptedDialect dialect = new ScriptedDialect();

    private final RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder()
            .primary(this.primary)
            .replica("replica-1", this.replica1)
            .replica("replica-2", this.replica2)
            .dialect(this.dialect)
            .scheduler(this.time)
            .build());

    @AfterEach
    void close() {
        this.router.dispose();
    }

    /**
     * The first probe runs when the router is built; the next one an interval later.
     */
    private void nextProbe() {
        this.time.advanceTimeBy(Duration.ofSeconds(1));
    }

    private Replica replica(int index) {
        return this.router.replicas().get(index - 1);
    }

    private Flux<String> readTargets(int reads) {
        return Flux.range(0, reads)
                .concatMap(i -> Mono.usingWhen(this.router.create(),
                        connection -> Mono.just(StubConnectionFactory.targetOf(connection)), Connection::close))
                .contextWrite(withReplica());
    }

    @Test
    void everyReplicaIsUpAfterAHealthyProbe() {
        this.time.advanceTime();
        assertThat(this.router.replicas()).extracting(Replica::state)
                .containsExactly(ReplicaState.UP, ReplicaState.UP);
        assertThat(replica(1).reason()).isEqualTo("lag 0s");
    }

    @Test
    void replicaBeyondMaxLagIsLaggingAndReceivesNoReads() {
        this.dialect.status.put("replica-1", Mono.just(new ReplicationStatus(true, true, Duration.ofSeconds(12),
                "0-1-3")));
        nextProbe();

        assertThat(replica(1).state()).isEqualTo(ReplicaState.LAGGING);
        assertThat(replica(1).reason()).isEqualTo("lag 12s > maxLag 5s");
        readTargets(10).distinct().as(StepVerifier::create).expectNext("replica-2").verifyComplete();
    }

    @Test
    void stoppedSqlThreadMeansUnknownLagAndLagging() {
        this.time.advanceTime();
        this.dialect.status.put("replica-2", Mono.just(new ReplicationStatus(true, false, null, "0-1-3")));
        this.time.advanceTimeBy(Duration.ofSeconds(1));

        assertThat(replica(2).state()).isEqualTo(ReplicaState.LAGGING);
        assertThat(replica(2).reason()).contains("SQL thread not running");

        this.dialect.status.remove("replica-2");
        this.time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(replica(2).state()).isEqualTo(ReplicaState.UP);
    }

    @Test
    void stoppedReplicationIsDown() {
        this.dialect.status.put("replica-1", Mono.just(new ReplicationStatus(false, false, null, null)));
        nextProbe();
        assertThat(replica(1).state()).isEqualTo(ReplicaState.DOWN);
        assertThat(replica(1).reason()).contains("replication stopped");
    }

    @Test
    void serverThatIsNoReplicaIsDown() {
        this.dialect.status.put("replica-1", Mono.empty());
        nextProbe();
        assertThat(replica(1).state()).isEqualTo(ReplicaState.DOWN);
        assertThat(replica(1).reason()).isEqualTo("not configured as a replica");
    }

    @Test
    void replicaThatLostThePrimaryKeepsServingWhatItApplied() {
        this.dialect.status.put("replica-1", Mono.just(new ReplicationStatus(false, true, null, "0-1-3")));
        nextProbe();
        assertThat(replica(1).state()).isEqualTo(ReplicaState.UP);
    }

    @Test
    void hungProbeTimesOutAndMarksReplicaDown() {
        this.dialect.status.put("replica-1", Mono.never());
        nextProbe();
        assertThat(replica(1).state()).isEqualTo(ReplicaState.UP);

        this.time.advanceTimeBy(Duration.ofSeconds(2));
        assertThat(replica(1).state()).isEqualTo(ReplicaState.DOWN);
        assertThat(replica(1).reason()).startsWith("unreachable");
    }

    @Test
    void downReplicaIsProbedEveryIntervalOnANewConnectionAndReturnsAfterTwoHealthyProbes() {
        R2dbcNonTransientResourceException refused = new R2dbcNonTransientResourceException("Connection refused");
        this.dialect.status.put("replica-1", Mono.error(refused));
        this.replica1.failWith(refused);
        nextProbe();
        assertThat(replica(1).state()).isEqualTo(ReplicaState.DOWN);
        assertThat(replica(1).reason()).isEqualTo("unreachable: Connection refused");
        int attempts = this.replica1.attempts.get();

        // No rest for the monitor: every tick tries a new connection.
        nextProbe();
        nextProbe();
        assertThat(this.replica1.attempts.get()).isEqualTo(attempts + 2);

        this.replica1.failWith(null);
        this.dialect.status.remove("replica-1");
        nextProbe();
        assertThat(replica(1).state()).isEqualTo(ReplicaState.DOWN);
        assertThat(replica(1).reason()).startsWith("answering again (1 of 2 healthy probes)");
        nextProbe();
        assertThat(replica(1).state()).isEqualTo(ReplicaState.UP);
        assertThat(this.replica1.open).as("the monitor's one connection").hasValue(1);
    }

    @Test
    void withoutUpReplicasReadsGoToPrimaryAndTheErrorListsEveryState() {
        this.dialect.status.put("replica-1", Mono.just(new ReplicationStatus(true, true, Duration.ofSeconds(9),
                "0-1-3")));
        this.dialect.status.put("replica-2", Mono.empty());
        nextProbe();
        readTargets(3).distinct().as(StepVerifier::create).expectNext("primary").verifyComplete();

        RoutingConnectionFactory strict = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(this.primary)
                .replica("replica-1", this.replica1)
                .replica("replica-2", this.replica2)
                .dialect(this.dialect)
                .scheduler(this.time)
                .fallbackToPrimary(false)
                .build());
        try {
            this.time.advanceTime();
            strict.create()
                    .contextWrite(withReplica())
                    .as(StepVerifier::create)
                    .verifyErrorSatisfies(error -> assertThat(error)
                            .isInstanceOf(NoReplicaAvailableException.class)
                            .hasMessageContaining("replica-1: LAGGING, lag 9s > maxLag 5s")
                            .hasMessageContaining("replica-2: DOWN, not configured as a replica")
                            .hasMessageContaining("fallbackToPrimary=false"));
        }
        finally {
            strict.dispose();
        }
    }

    @Test
    void closeStopsTheMonitors() {
        this.time.advanceTime();
        this.router.dispose();
        int attempts = this.replica1.attempts.get();
        this.time.advanceTimeBy(Duration.ofSeconds(10));
        assertThat(this.replica1.attempts.get()).isEqualTo(attempts);
        assertThat(this.replica1.open).hasValue(0);
    }
}
