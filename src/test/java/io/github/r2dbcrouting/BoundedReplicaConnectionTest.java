package io.github.r2dbcrouting;

import java.time.Duration;

import io.github.r2dbcrouting.replica.ReplicaState;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static io.github.r2dbcrouting.Routing.withReplica;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica that stops answering in the middle of a statement, with {@code replicaStatementTimeout} set.
 */
final class BoundedReplicaConnectionTest {

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

    private final StubConnectionFactory primary = new StubConnectionFactory("primary");

    private final StubConnectionFactory replica1 = new StubConnectionFactory("replica-1");

    private final StubConnectionFactory replica2 = new StubConnectionFactory("replica-2");

    private RoutingConnectionFactory router;

    private RoutingConnectionFactory router(RoutingConfiguration.Builder configuration) {
        this.router = new RoutingConnectionFactory(configuration
                .primary(this.primary)
                .replica("replica-1", this.replica1)
                .replica("replica-2", this.replica2)
                .replicaSelection(replicas -> replicas.get(0))
                .monitoring(false)
                .scheduler(this.time)
                .build());
        return this.router;
    }

    @AfterEach
    void close() {
        this.router.dispose();
    }

    private Mono<String> read() {
        return Mono.usingWhen(this.router.create(),
                connection -> Flux.from(connection.createStatement("SELECT 1").execute())
                        .then(Mono.just(StubConnectionFactory.targetOf(connection))),
                Connection::close)
                .contextWrite(withReplica());
    }

    @Test
    void aStatementOnAHungReplicaFailsAfterTheTimeoutAndNamesTheReplica() {
        router(RoutingConfiguration.builder().replicaStatementTimeout(Duration.ofSeconds(3)));
        this.replica1.hung = true;

        read().as(StepVerifier::create)
                .expectSubscription()
                .then(() -> this.time.advanceTimeBy(Duration.ofMillis(2999)))
                .then(() -> assertThat(this.router.replicas().get(0).state()).isEqualTo(ReplicaState.UP))
                .then(() -> this.time.advanceTimeBy(Duration.ofMillis(1)))
                .verifyErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(R2dbcTimeoutException.class)
                        .hasMessage("Replica 'replica-1' did not answer within 3s (replicaStatementTimeout); it is "
                                + "taken out of rotation and this connection is closed"));

        assertThat(this.router.replicas().get(0).state()).isEqualTo(ReplicaState.DOWN);
        assertThat(this.replica1.open).as("closed without waiting").hasValue(0);
    }

    @Test
    void theNextReadGoesToAnotherReplicaAtOnce() {
        router(RoutingConfiguration.builder().replicaStatementTimeout(Duration.ofSeconds(3)));
        this.replica1.hung = true;
        read().as(StepVerifier::create)
                .expectSubscription()
                .then(() -> this.time.advanceTimeBy(Duration.ofSeconds(3)))
                .verifyError(R2dbcTimeoutException.class);

        read().as(StepVerifier::create).expectNext("replica-2").verifyComplete();
    }

    @Test
    void withoutATimeoutReplicaConnectionsAreThePoolsOwn() {
        router(RoutingConfiguration.builder());
        Mono.usingWhen(this.router.create(),
                        connection -> Mono.just(((StatementRoutedConnection) connection).unwrap().getClass()
                                .getSimpleName()),
                        Connection::close)
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext("StubConnection")
                .verifyComplete();
    }

    @Test
    void primaryConnectionsAreNeverBounded() {
        router(RoutingConfiguration.builder().replicaStatementTimeout(Duration.ofSeconds(3)));
        Mono.usingWhen(this.router.create(), connection -> Mono.just(connection.getClass().getSimpleName()),
                        Connection::close)
                .as(StepVerifier::create)
                .expectNext("StubConnection")
                .verifyComplete();
    }
}
