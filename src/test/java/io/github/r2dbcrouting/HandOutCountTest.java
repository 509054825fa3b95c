package io.github.r2dbcrouting;

import io.github.r2dbcrouting.replica.Replica;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static io.github.r2dbcrouting.Routing.withPrimary;
import static io.github.r2dbcrouting.Routing.withReplica;
import static io.github.r2dbcrouting.Routing.withSession;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the router counts per target, and what a session remembers of the targets that served it: the figures the
 * actuator endpoint and the web filter's served-by line show.
 */
final class HandOutCountTest {

    private final StubConnectionFactory primary = new StubConnectionFactory("primary");

    private final StubConnectionFactory replica1 = new StubConnectionFactory("replica-1");

    private final StubConnectionFactory replica2 = new StubConnectionFactory("replica-2");

    private final RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder()
            .monitoring(false)
            .primary(this.primary)
            .replica("replica-1", this.replica1)
            .replica("replica-2", this.replica2)
            .build());

    private Mono<String> use() {
        return Mono.usingWhen(this.router.create(), c -> Mono.just(StubConnectionFactory.targetOf(c)),
                Connection::close);
    }

    @Test
    void everyConnectionHandedOutIsCountedOnItsTarget() {
        Flux.range(0, 3).concatMap(i -> use())
                .concatWith(Flux.range(0, 4).concatMap(i -> use()).contextWrite(withReplica()))
                .as(StepVerifier::create)
                .expectNextCount(7)
                .verifyComplete();

        assertThat(this.router.primaryHandedOut()).isEqualTo(3);
        assertThat(this.router.replicas()).extracting(Replica::handedOut).containsExactly(2L, 2L);
    }

    @Test
    void aFailedOverReadIsCountedOnTheReplicaThatServedIt() {
        this.replica1.failWith(new IllegalStateException("Connection refused"));

        use().contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext("replica-2")
                .verifyComplete();

        assertThat(this.router.replicas()).extracting(Replica::handedOut).containsExactly(0L, 1L);
        assertThat(this.router.primaryHandedOut()).isZero();
    }

    @Test
    void aReadThatFallsBackToThePrimaryIsCountedOnceOnThePrimary() {
        this.replica1.failWith(new IllegalStateException("Connection refused"));
        this.replica2.failWith(new IllegalStateException("Connection refused"));

        use().contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();

        assertThat(this.router.primaryHandedOut()).isEqualTo(1);
        assertThat(this.router.replicas()).extracting(Replica::handedOut).containsExactly(0L, 0L);
    }

    @Test
    void aSessionNamesEachTargetThatServedIt() {
        RoutingSession session = new RoutingSession();

        Flux.concat(use().contextWrite(withPrimary()), use().contextWrite(withReplica()),
                        use().contextWrite(withReplica()), use().contextWrite(withPrimary()))
                .contextWrite(withSession(session))
                .as(StepVerifier::create)
                .expectNext("primary", "replica-1", "replica-1", "primary")
                .verifyComplete();

        assertThat(session.servedBy()).containsExactly("primary", "replica-1");
    }

    @Test
    void aSessionThatFellBackNamesThePrimaryOnly() {
        RoutingSession session = new RoutingSession();
        this.replica1.failWith(new IllegalStateException("Connection refused"));
        this.replica2.failWith(new IllegalStateException("Connection refused"));

        use().contextWrite(withReplica())
                .contextWrite(withSession(session))
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();

        assertThat(session.servedBy()).containsExactly("primary");
        assertThat(new RoutingSession().servedBy()).isEmpty();
    }
}
