package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.r2dbcrouting.cluster.ClusterResolver;
import io.github.r2dbcrouting.cluster.ClusterUnavailableException;
import io.github.r2dbcrouting.cluster.UnknownClusterException;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static io.github.r2dbcrouting.Routing.withCluster;
import static io.github.r2dbcrouting.Routing.withPrimary;
import static io.github.r2dbcrouting.Routing.withReplica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

final class ClustersTest {

    private final Map<String, StubConnectionFactory> stubs = new ConcurrentHashMap<>();

    private final AtomicInteger resolved = new AtomicInteger();

    private RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder()
            .monitoring(false)
            .primary(stub("orders-primary"))
            .replica("replica-1", stub("orders-replica-1"))
            .cluster("billing", billing -> billing
                    .primary(stub("billing-primary"))
                    .replica("replica-1", stub("billing-replica-1")))
            .build());

    @AfterEach
    void close() {
        this.router.dispose();
    }

    private StubConnectionFactory stub(String name) {
        return this.stubs.computeIfAbsent(name, StubConnectionFactory::new);
    }

    private static Mono<String> targetOf(ConnectionFactory factory) {
        return Mono.usingWhen(factory.create(), c -> Mono.just(StubConnectionFactory.targetOf(c)),
                Connection::close);
    }

    /**
     * @return a resolver that knows tenant-0 to tenant-99, each a primary with one replica of stubs
     */
    private ClusterResolver tenants() {
        return (name, defaults) -> Mono.fromCallable(() -> {
            this.resolved.incrementAndGet();
            if (!name.startsWith("tenant-")) {
                return null;
            }
            return defaults.primary(stub(name + "-primary")).replica("replica-1", stub(name + "-replica")).build();
        });
    }

    private RoutingConnectionFactory dynamicRouter(int maxClusters, ClusterResolver resolver) {
        this.router.dispose();
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .monitoring(false)
                .primary(stub("orders-primary"))
                .clusterResolver(resolver)
                .maxClusters(maxClusters)
                .build());
        return this.router;
    }

    @Test
    void withoutClusterKeyConnectionsComeFromTheDefaultCluster() {
        targetOf(this.router).as(StepVerifier::create).expectNext("orders-primary").verifyComplete();
        targetOf(this.router).contextWrite(withReplica())
                .as(StepVerifier::create).expectNext("orders-replica-1").verifyComplete();
    }

    @Test
    void clusterKeyChoosesTheClusterAndRouteTheServerWithinIt() {
        targetOf(this.router).contextWrite(withCluster("billing"))
                .as(StepVerifier::create).expectNext("billing-primary").verifyComplete();
        targetOf(this.router).contextWrite(withReplica()).contextWrite(withCluster("billing"))
                .as(StepVerifier::create).expectNext("billing-replica-1").verifyComplete();
        targetOf(this.router).contextWrite(withCluster("billing")).contextWrite(withReplica())
                .as(StepVerifier::create).expectNext("billing-replica-1").verifyComplete();
    }

    @Test
    void defaultClusterCanBeNamed() {
        targetOf(this.router).contextWrite(withCluster(RoutingConfiguration.DEFAULT_CLUSTER))
                .contextWrite(withCluster("billing"))
                .as(StepVerifier::create).expectNext("orders-primary").verifyComplete();
    }

    @Test
    void innermostClusterKeyWins() {
        targetOf(this.router).contextWrite(withCluster("billing")).contextWrite(withCluster("default"))
                .as(StepVerifier::create).expectNext("billing-primary").verifyComplete();
    }

    @Test
    void clusterViewIsBoundToItsClusterWhateverTheContextSays() {
        ConnectionFactory billing = this.router.cluster("billing");
        targetOf(billing).contextWrite(withPrimary()).contextWrite(withCluster("default"))
                .as(StepVerifier::create).expectNext("billing-primary").verifyComplete();
        targetOf(billing).contextWrite(withReplica())
                .as(StepVerifier::create).expectNext("billing-replica-1").verifyComplete();
        assertThat(billing).isEqualTo(this.router.cluster("billing"));
        assertThat(billing).isNotEqualTo(this.router.cluster("default"));
    }

    @Test
    void viewOfAnUnknownClusterIsRefusedAtOnce() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.router.cluster("analytics"))
                .withMessageContaining("'analytics'").withMessageContaining("[billing]");
    }

    @Test
    void unknownClusterFailsWithAMessageNamingIt() {
        targetOf(this.router).contextWrite(withCluster("analytics"))
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(UnknownClusterException.class)
                        .hasMessageContaining("Unknown cluster 'analytics'")
                        .hasMessageContaining("static clusters are [billing]"))
                .verify();
    }

    @Test
    void staticClusterStartsFromTheSharedSettingsAndChangesItsOwn() {
        RoutingConfiguration configuration = RoutingConfiguration.builder()
                .primary(stub("p"))
                .cluster("billing", billing -> billing.primary(stub("b")).maxLag(Duration.ofSeconds(9)))
                .maxLag(Duration.ofSeconds(3))
                .fallbackToPrimary(false)
                .build();
        RoutingConfiguration billing = configuration.getClusters().get("billing");
        assertThat(billing.getMaxLag()).isEqualTo(Duration.ofSeconds(9));
        assertThat(billing.isFallbackToPrimary()).isFalse();
        assertThat(configuration.getMaxLag()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void staticClusterWithoutPrimaryIsRefusedNamingTheCluster() {
        assertThatIllegalArgumentException().isThrownBy(() -> RoutingConfiguration.builder()
                        .primary(stub("p"))
                        .cluster("billing", billing -> billing.maxLag(Duration.ofSeconds(9)))
                        .build())
                .withMessageStartingWith("Cluster 'billing': No primary is configured");
    }

    @Test
    void reservedAndDuplicateClusterNamesAreRefused() {
        RoutingConfiguration.Builder builder = RoutingConfiguration.builder().cluster("a", a -> a.primary(stub("a")));
        assertThatIllegalArgumentException().isThrownBy(() -> builder.cluster("a", a -> { }))
                .withMessageContaining("Duplicate cluster name 'a'");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.cluster("default", a -> { }))
                .withMessageContaining("default cluster");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.cluster("r2dbc:mysql://u:pw@h/db", a -> { }))
                .withMessageNotContaining("pw@");
    }

    @Test
    void resolverOpensEachClusterOnceUnderConcurrentFirstUse() {
        RoutingConnectionFactory dynamic = dynamicRouter(16, tenants());
        Flux.range(0, 500)
                .flatMap(i -> targetOf(dynamic).contextWrite(withCluster("tenant-" + (i % 10)))
                        .subscribeOn(Schedulers.parallel()), 500)
                .collectList()
                .as(StepVerifier::create)
                .assertNext(targets -> assertThat(targets).hasSize(500))
                .verifyComplete();
        assertThat(this.resolved).hasValue(10);
        assertThat(dynamic.clusters().openedCount()).isEqualTo(10);
        assertThat(dynamic.clusters().dynamicClusters()).hasSize(10).allSatisfy((name, inUse) ->
                assertThat(inUse).isZero());
    }

    @Test
    void resolverFailureIsReportedAndNotCached() {
        AtomicInteger calls = new AtomicInteger();
        RoutingConnectionFactory dynamic = dynamicRouter(4, (name, defaults) -> calls.incrementAndGet() == 1
                ? Mono.error(new IllegalStateException("configuration table unavailable"))
                : Mono.just(defaults.primary(stub(name)).build()));
        targetOf(dynamic).contextWrite(withCluster("tenant-1"))
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(ClusterUnavailableException.class)
                        .hasMessageContaining("Cluster 'tenant-1' could not be opened: configuration table "
                                + "unavailable")
                        .hasCauseInstanceOf(IllegalStateException.class))
                .verify();
        targetOf(dynamic).contextWrite(withCluster("tenant-1"))
                .as(StepVerifier::create).expectNext("tenant-1").verifyComplete();
        assertThat(calls).hasValue(2);
    }

    @Test
    void nameTheResolverDoesNotKnowIsUnknownAndAskedAgainNextTime() {
        RoutingConnectionFactory dynamic = dynamicRouter(4, tenants());
        for (int i = 0; i < 2; i++) {
            targetOf(dynamic).contextWrite(withCluster("nobody"))
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(UnknownClusterException.class)
                            .hasMessageContaining("the clusterResolver knows no cluster of that name"))
                    .verify();
        }
        assertThat(this.resolved).hasValue(2);
        assertThat(dynamic.clusters().dynamicClusters()).isEmpty();
    }

    @Test
    void leastRecentlyUsedIdleClusterIsEvictedToOpenAnother() {
        RoutingConnectionFactory dynamic = dynamicRouter(2, tenants());
        for (String tenant : new String[] {"tenant-1", "tenant-2", "tenant-1", "tenant-3"}) {
            targetOf(dynamic).contextWrite(withCluster(tenant))
                    .as(StepVerifier::create).expectNext(tenant + "-primary").verifyComplete();
        }
        assertThat(dynamic.clusters().dynamicClusters()).containsOnlyKeys("tenant-1", "tenant-3");
        assertThat(dynamic.clusters().evictionCount()).isEqualTo(1);
    }

    @Test
    void clusterWithAConnectionInUseIsNeverEvicted() {
        RoutingConnectionFactory dynamic = dynamicRouter(2, tenants());
        Connection held = dynamic.create().contextWrite(withCluster("tenant-1")).block();
        targetOf(dynamic).contextWrite(withCluster("tenant-2"))
                .as(StepVerifier::create).expectNext("tenant-2-primary").verifyComplete();
        targetOf(dynamic).contextWrite(withCluster("tenant-3"))
                .as(StepVerifier::create).expectNext("tenant-3-primary").verifyComplete();
        assertThat(dynamic.clusters().dynamicClusters()).containsOnlyKeys("tenant-1", "tenant-3");
        assertThat(this.stubs.get("tenant-1-primary").open).hasValue(1);
        Mono.from(held.close()).as(StepVerifier::create).verifyComplete();
        assertThat(this.stubs.get("tenant-1-primary").open).hasValue(0);
        assertThat(dynamic.clusters().dynamicClusters()).containsEntry("tenant-1", 0);
    }

    @Test
    void whenEveryOpenClusterIsInUseANewOneFailsClearly() {
        RoutingConnectionFactory dynamic = dynamicRouter(1, tenants());
        Connection held = dynamic.create().contextWrite(withCluster("tenant-1")).block();
        targetOf(dynamic).contextWrite(withCluster("tenant-2"))
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(ClusterUnavailableException.class)
                        .hasMessageContaining("maxClusters=1").hasMessageContaining("'tenant-1' (1 in use)"))
                .verify();
        Mono.from(held.close()).as(StepVerifier::create).verifyComplete();
        targetOf(dynamic).contextWrite(withCluster("tenant-2"))
                .as(StepVerifier::create).expectNext("tenant-2-primary").verifyComplete();
    }

    @Test
    void failedConnectionAttemptGivesItsCountBack() {
        RoutingConnectionFactory dynamic = dynamicRouter(1, tenants());
        targetOf(dynamic).contextWrite(withCluster("tenant-1")).block();
        this.stubs.get("tenant-1-primary").failWith(new IllegalStateException("refused"));
        targetOf(dynamic).contextWrite(withCluster("tenant-1"))
                .as(StepVerifier::create).expectError().verify();
        assertThat(dynamic.clusters().dynamicClusters()).containsEntry("tenant-1", 0);
    }

    @Test
    void closedRouterRefusesEveryCluster() {
        this.router.dispose();
        targetOf(this.router).contextWrite(withCluster("billing"))
                .as(StepVerifier::create).expectError(IllegalStateException.class).verify();
    }

    @Test
    void urlNamedClusterThatCannotOpenFailsWithoutShowingItsPassword() {
        String url = "r2dbc:nosuchdriver://app:topsecret@127.0.0.1:1/tenant";
        targetOf(this.router).contextWrite(withCluster(url))
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(ClusterUnavailableException.class)
                        .hasMessageContaining("could not be opened: No R2DBC driver")
                        .hasMessageNotContaining("topsecret")
                        .hasNoCause())
                .verify();
        assertThat(this.router.clusters().dynamicClusters()).isEmpty();
    }

    @Test
    void aSessionSticksToOneReplicaPerCluster() {
        RoutingSession session = new RoutingSession();
        Flux.concat(targetOf(this.router), targetOf(this.router).contextWrite(withCluster("billing")),
                        targetOf(this.router), targetOf(this.router).contextWrite(withCluster("billing")))
                .contextWrite(withReplica())
                .contextWrite(Routing.withSession(session))
                .as(StepVerifier::create)
                .expectNext("orders-replica-1", "billing-replica-1", "orders-replica-1", "billing-replica-1")
                .verifyComplete();
    }

    @Test
    void aSessionOnADynamicClusterHasItsOwnReplica() {
        RoutingConnectionFactory dynamic = dynamicRouter(4, tenants());
        Flux.concat(targetOf(dynamic).contextWrite(withCluster("tenant-1")),
                        targetOf(dynamic).contextWrite(withCluster("tenant-2")))
                .contextWrite(withReplica())
                .contextWrite(Routing.withSession(new RoutingSession()))
                .as(StepVerifier::create)
                .expectNext("tenant-1-replica", "tenant-2-replica")
                .verifyComplete();
    }
}
