package io.github.r2dbcrouting;

import java.util.HashSet;
import java.util.Set;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static io.github.r2dbcrouting.Routing.withPrimary;
import static io.github.r2dbcrouting.Routing.withReplica;
import static io.github.r2dbcrouting.Routing.withStickyReplica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

final class RoutingConnectionFactoryTest {

    private final StubConnectionFactory primary = new StubConnectionFactory("primary");

    private final StubConnectionFactory replica1 = new StubConnectionFactory("replica-1");

    private final StubConnectionFactory replica2 = new StubConnectionFactory("replica-2");

    private final RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder().monitoring(false)
            .primary(this.primary)
            .replica("replica-1", this.replica1)
            .replica("replica-2", this.replica2)
            .build());

    private static Mono<String> targetOf(Mono<? extends Connection> connection) {
        return Mono.usingWhen(connection, c -> Mono.just(StubConnectionFactory.targetOf(c)), Connection::close);
    }

    @Test
    void connectionWithoutRouteComesFromPrimary() {
        targetOf(this.router.create())
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();
    }

    @Test
    void withReplicaRoutesToAReplica() {
        targetOf(this.router.create())
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .assertNext(target -> assertThat(target).startsWith("replica-"))
                .verifyComplete();
    }

    @Test
    void withReplicaRoutesAFluxToAReplica() {
        Flux.range(0, 4)
                .concatMap(i -> targetOf(this.router.create()))
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext("replica-1", "replica-2", "replica-1", "replica-2")
                .verifyComplete();
    }

    @Test
    void withPrimaryInsideWithReplicaRoutesToPrimary() {
        targetOf(this.router.create())
                .contextWrite(withPrimary())
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();
    }

    @Test
    void withReplicaInsideWithPrimaryRoutesToAReplica() {
        targetOf(this.router.create())
                .contextWrite(withReplica())
                .contextWrite(withPrimary())
                .as(StepVerifier::create)
                .assertNext(target -> assertThat(target).startsWith("replica-"))
                .verifyComplete();
    }

    @Test
    void operatorScopeEndsWithItsPipeline() {
        Mono<String> read = targetOf(this.router.create()).contextWrite(withReplica());
        Mono<String> write = targetOf(this.router.create());
        read.zipWith(write)
                .as(StepVerifier::create)
                .assertNext(targets -> {
                    assertThat(targets.getT1()).startsWith("replica-");
                    assertThat(targets.getT2()).isEqualTo("primary");
                })
                .verifyComplete();
    }

    @Test
    void routeIsReadAtSubscription() {
        Mono<String> connection = targetOf(this.router.create());
        connection.contextWrite(withReplica())
                .as(StepVerifier::create)
                .assertNext(target -> assertThat(target).startsWith("replica-"))
                .verifyComplete();
        connection.as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();
    }

    @Test
    void stickyScopeKeepsEveryReadOnOneReplica() {
        Flux.range(0, 20)
                .flatMap(i -> targetOf(this.router.create()))
                .distinct()
                .contextWrite(withReplica())
                .contextWrite(withStickyReplica())
                .as(StepVerifier::create)
                .assertNext(target -> assertThat(target).startsWith("replica-"))
                .verifyComplete();
    }

    @Test
    void everyStickyScopeChoosesItsOwnReplica() {
        Mono<String> scoped = targetOf(this.router.create()).contextWrite(withReplica())
                .contextWrite(withStickyReplica());
        Set<String> targets = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            scoped.as(StepVerifier::create).consumeNextWith(targets::add).verifyComplete();
        }
        assertThat(targets).containsExactlyInAnyOrder("replica-1", "replica-2");
    }

    @Test
    void stickyScopeAloneKeepsPrimaryRoute() {
        targetOf(this.router.create())
                .contextWrite(withStickyReplica())
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();
    }

    @Test
    void replicaRouteFallsBackToPrimaryWithoutReplicas() {
        RoutingConnectionFactory primaryOnly = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .monitoring(false)
                .primary(this.primary)
                .build());
        targetOf(primaryOnly.create())
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();
    }

    @Test
    void replicaRouteFailsWithoutReplicasWhenFallbackIsDisabled() {
        RoutingConnectionFactory strict = new RoutingConnectionFactory(RoutingConfiguration.builder().monitoring(false)
                .primary(this.primary)
                .fallbackToPrimary(false)
                .build());
        targetOf(strict.create())
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .verifyErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(NoReplicaAvailableException.class)
                        .hasMessageContaining("fallbackToPrimary=false")
                        .hasMessageContaining("replica(name, ...)"));
        assertThat(this.primary.created).hasValue(0);
    }

    @Test
    void createDoesNothingUntilSubscribed() {
        this.router.create();
        assertThat(this.primary.created).hasValue(0);
    }

    @Test
    void metadataAndUnwrapAreThePrimarys() {
        assertThat(this.router.getMetadata().getName()).isEqualTo("stub-primary");
        assertThat(this.router.unwrap()).isSameAs(this.primary);
    }

    @Test
    void closeLeavesCallersFactoriesOpenAndRefusesNewConnections() {
        ConnectionPool callersPool = new ConnectionPool(ConnectionPoolConfiguration.builder(this.primary).build());
        RoutingConnectionFactory pooled = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .monitoring(false)
                .primary(callersPool)
                .build());

        pooled.close().as(StepVerifier::create).verifyComplete();
        pooled.close().as(StepVerifier::create).verifyComplete();

        assertThat(pooled.isDisposed()).isTrue();
        assertThat(callersPool.isDisposed()).isFalse();
        pooled.create()
                .as(StepVerifier::create)
                .verifyErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("closed"));
        callersPool.dispose();
    }

    @Test
    void closeClosesOwnedPoolsAndLetsHandedOutConnectionsBeReleased() {
        RoutingConnectionFactory owning = new RoutingConnectionFactory(RoutingConfiguration.builder().monitoring(false)
                .primary("r2dbc:pool:mysql://app@127.0.0.1:1/app")
                .replica("replica-1", "r2dbc:mysql://app@127.0.0.1:2/app")
                .build());
        ConnectionPool primaryPool = (ConnectionPool) owning.unwrap();
        ConnectionPool replicaPool = (ConnectionPool) owning.replicaConnectionFactory("replica-1");

        owning.close().as(StepVerifier::create).verifyComplete();

        assertThat(primaryPool.isDisposed()).isTrue();
        assertThat(replicaPool.isDisposed()).isTrue();
    }

    @Test
    void builtPoolsTakeTheCommonThenTheTargetsSettings() {
        RoutingConnectionFactory owning = new RoutingConnectionFactory(RoutingConfiguration.builder().monitoring(false)
                .primary("r2dbc:mysql://app@127.0.0.1:1/app")
                .replica("replica-1", "r2dbc:mysql://app@127.0.0.1:2/app")
                .pool(pool -> pool.maxSize(7))
                .pool("replica-1", pool -> pool.maxSize(3))
                .build());
        try {
            assertThat(((ConnectionPool) owning.unwrap()).getMetrics().orElseThrow().getMaxAllocatedSize())
                    .isEqualTo(7);
            assertThat(((ConnectionPool) owning.replicaConnectionFactory("replica-1")).getMetrics().orElseThrow()
                    .getMaxAllocatedSize()).isEqualTo(3);
        }
        finally {
            owning.dispose();
        }
    }

    @Test
    void toStringAndErrorsNeverShowPasswords() {
        RoutingConnectionFactory owning = new RoutingConnectionFactory(RoutingConfiguration.builder().monitoring(false)
                .primary("r2dbc:mysql://app:s3cret@127.0.0.1:1/app")
                .replica("replica-1", "r2dbc:mysql://app:s3cret@127.0.0.1:2/app")
                .build());
        try {
            assertThat(owning.toString()).doesNotContain("s3cret").contains("replica-1");
            assertThat(owning.replicas().get(0).toString()).doesNotContain("s3cret");
        }
        finally {
            owning.dispose();
        }
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RoutingConfiguration.builder().primary("mysql://app:s3cret@host/app"))
                .withMessageNotContaining("s3cret")
                .withMessageContaining("primary")
                .satisfies(error -> assertThat(error.getCause()).isNull());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RoutingConnectionFactory(RoutingConfiguration.builder().primary("r2dbc:nodriver://app:s3cret@h/app")
                        .build()))
                .withMessageNotContaining("s3cret")
                .withMessageContaining("nodriver");
    }

    @Test
    void builderRejectsNullTargets() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RoutingConfiguration.builder().primary((io.r2dbc.spi.ConnectionFactory) null))
                .withMessageContaining("primary");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RoutingConfiguration.builder().replica("replica-1",
                        (io.r2dbc.spi.ConnectionFactory) null))
                .withMessageContaining("connectionFactory");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RoutingConfiguration.builder().replica(" ", this.replica1))
                .withMessageContaining("name");
    }

    @Test
    void builderRejectsDuplicateTargets() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RoutingConfiguration.builder().monitoring(false)
                        .replica("replica-1", this.replica1)
                        .replica("replica-1", this.replica2))
                .withMessageContaining("Duplicate replica name 'replica-1'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RoutingConfiguration.builder().monitoring(false)
                        .replica("replica-1", this.replica1)
                        .replica("replica-2", this.replica1))
                .withMessageContaining("same ConnectionFactory as replica 'replica-1'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RoutingConnectionFactory(RoutingConfiguration.builder().monitoring(false)
                        .primary(this.primary)
                        .replica("replica-1", this.primary)
                        .build()))
                .withMessageContaining("primary's ConnectionFactory");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RoutingConfiguration.builder().replica("primary", this.replica1))
                .withMessageContaining("primary's name");
    }

    @Test
    void builderRejectsNonPositiveWeightsAndUnknownNames() {
        RoutingConfiguration.Builder builder = RoutingConfiguration.builder().monitoring(false)
                .replica("replica-1", this.replica1);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.weight("replica-1", 0))
                .withMessage("weight of replica 'replica-1' must be positive, was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.weight("replica-9", 2))
                .withMessageContaining("no replica has that name");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.pool("replica-9", pool -> { }))
                .withMessageContaining("no target has that name");
    }

    @Test
    void buildWithoutPrimaryFails() {
        assertThatIllegalStateException()
                .isThrownBy(() -> new RoutingConnectionFactory(RoutingConfiguration.builder().replica("replica-1", this.replica1).build()))
                .withMessageContaining("No primary is configured");
    }
}
