package io.github.r2dbcrouting;

import java.time.Duration;

import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static io.github.r2dbcrouting.Routing.withReplica;
import static io.github.r2dbcrouting.Routing.withStickyReplica;
import static org.assertj.core.api.Assertions.assertThat;

final class FailoverTest {

    private static final R2dbcNonTransientResourceException REFUSED =
            new R2dbcNonTransientResourceException("Connection refused: /127.0.0.1:3307");

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

    private final StubConnectionFactory primary = new StubConnectionFactory("primary");

    private final StubConnectionFactory replica1 = new StubConnectionFactory("replica-1");

    private final StubConnectionFactory replica2 = new StubConnectionFactory("replica-2");

    private RoutingConfiguration.Builder builder() {
        return RoutingConfiguration.builder()
                .primary(this.primary)
                .replica("replica-1", this.replica1)
                .replica("replica-2", this.replica2)
                .monitoring(false)
                .scheduler(this.time);
    }

    private static Mono<String> targetOf(Mono<? extends Connection> connection) {
        return Mono.usingWhen(connection, c -> Mono.just(StubConnectionFactory.targetOf(c)), Connection::close);
    }

    @Test
    void failedReplicaIsSkippedWithinTheSameCreate() {
        RoutingConnectionFactory router = new RoutingConnectionFactory(builder().build());
        this.replica1.failWith(REFUSED);

        Flux.range(0, 6)
                .concatMap(i -> targetOf(router.create()))
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext("replica-2", "replica-2", "replica-2", "replica-2", "replica-2", "replica-2")
                .verifyComplete();

        assertThat(router.replicas().get(0).state()).isEqualTo(ReplicaState.DOWN);
        assertThat(router.replicas().get(0).reason())
                .isEqualTo("connection failed: Connection refused: /127.0.0.1:3307");
        assertThat(this.replica1.attempts).hasValue(1);
    }

    @Test
    void replicaWhoseCreateThrowsIsSkippedToo() {
        StubConnectionFactory throwing = new StubConnectionFactory("throwing") {
            @Override
            public Mono<io.r2dbc.spi.Connection> create() {
                throw REFUSED;
            }
        };
        RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(this.primary)
                .replica("throwing", throwing)
                .monitoring(false)
                .scheduler(this.time)
                .build());

        targetOf(router.create())
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();
        assertThat(router.replicas().get(0).state()).isEqualTo(ReplicaState.DOWN);
    }

    @Test
    void whenEveryReplicaFailsTheReadGoesToPrimary() {
        RoutingConnectionFactory router = new RoutingConnectionFactory(builder().build());
        this.replica1.failWith(REFUSED);
        this.replica2.failWith(REFUSED);

        targetOf(router.create())
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();
    }

    @Test
    void whenEveryReplicaFailsWithoutFallbackTheErrorSaysWhy() {
        RoutingConnectionFactory router = new RoutingConnectionFactory(builder().fallbackToPrimary(false).build());
        this.replica1.failWith(REFUSED);
        this.replica2.failWith(REFUSED);

        targetOf(router.create())
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .verifyErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(NoReplicaAvailableException.class)
                        .hasMessageContaining("replica-1: DOWN, connection failed: Connection refused")
                        .hasMessageContaining("replica-2: DOWN, connection failed: Connection refused"));
    }

    @Test
    void primaryFailureIsNotHidden() {
        RoutingConnectionFactory router = new RoutingConnectionFactory(builder().build());
        this.primary.failWith(REFUSED);

        targetOf(router.create())
                .as(StepVerifier::create)
                .verifyErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(PrimaryUnavailableException.class)
                        .hasMessageStartingWith("The primary did not hand out a connection: Connection refused")
                        .hasMessageEndingWith("replica reads go on (2 of 2 replicas UP)")
                        .hasCause(REFUSED));
        assertThat(router.replicas()).extracting(Replica::state).containsOnly(ReplicaState.UP);
    }

    @Test
    void withEveryReplicaDownThePrimarysErrorDoesNotPromiseReads() {
        RoutingConnectionFactory router = new RoutingConnectionFactory(builder().build());
        this.primary.failWith(REFUSED);
        this.replica1.failWith(REFUSED);
        this.replica2.failWith(REFUSED);

        targetOf(router.create())
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .verifyErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(PrimaryUnavailableException.class)
                        .hasMessageContaining("writes fail until it is back")
                        .hasMessageEndingWith("no replica is UP either, so replica reads fall back to the primary "
                                + "and fail too"));
    }

    @Test
    void stickyScopeMovesToTheNextReplicaWhenItsReplicaFails() {
        RoutingConnectionFactory router = new RoutingConnectionFactory(builder().build());
        Flux.range(0, 4)
                .concatMap(i -> {
                    if (i == 2) {
                        this.replica1.failWith(REFUSED);
                    }
                    return targetOf(router.create());
                })
                .contextWrite(withReplica())
                .contextWrite(withStickyReplica())
                .as(StepVerifier::create)
                .expectNext("replica-1", "replica-1", "replica-2", "replica-2")
                .verifyComplete();
    }

    @Test
    void failedReplicaReturnsAfterItsBackoffWhenNothingMonitorsIt() {
        RoutingConnectionFactory router = new RoutingConnectionFactory(builder().failoverBackoff(Duration.ofSeconds(3)).build());
        this.replica1.failWith(REFUSED);
        targetOf(router.create()).contextWrite(withReplica()).as(StepVerifier::create)
                .expectNext("replica-2")
                .verifyComplete();
        this.replica1.failWith(null);

        // 3s, shortened or lengthened by up to 20% at random.
        this.time.advanceTimeBy(Duration.ofMillis(2399));
        assertThat(router.replicas().get(0).state()).isEqualTo(ReplicaState.DOWN);
        this.time.advanceTimeBy(Duration.ofMillis(1201));
        assertThat(router.replicas().get(0).state()).isEqualTo(ReplicaState.UP);
    }

    @Test
    void replicaThatFailsAgainAfterItsReturnRestsTwiceAsLong() {
        RoutingConnectionFactory router = new RoutingConnectionFactory(builder().build());
        Replica replica1 = router.replicas().get(0);
        Mono<String> read = targetOf(router.create()).contextWrite(withReplica());
        this.replica1.failWith(REFUSED);
        read.as(StepVerifier::create).expectNext("replica-2").verifyComplete();
        this.time.advanceTimeBy(Duration.ofMillis(1200));
        assertThat(replica1.state()).isEqualTo(ReplicaState.UP);

        Flux.range(0, 2).concatMap(i -> read).as(StepVerifier::create)
                .expectNext("replica-2", "replica-2")
                .verifyComplete();
        assertThat(replica1.state()).isEqualTo(ReplicaState.DOWN);
        this.time.advanceTimeBy(Duration.ofMillis(1599));
        assertThat(replica1.state()).isEqualTo(ReplicaState.DOWN);
        this.replica1.failWith(null);
        this.time.advanceTimeBy(Duration.ofMillis(801));
        assertThat(replica1.state()).isEqualTo(ReplicaState.UP);
    }

    @Test
    void backoffDoublesUpToItsMaximum() {
        HealthPolicy policy = new HealthPolicy(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(10));
        assertThat(policy.backoff(1, 0.5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(2, 0.5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoff(4, 0.5)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.backoff(5, 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.backoff(500, 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.backoff(5, 0.0)).isEqualTo(Duration.ofSeconds(8));
    }
}
