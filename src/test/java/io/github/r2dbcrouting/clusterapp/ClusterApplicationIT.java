package io.github.r2dbcrouting.clusterapp;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.MariaDbServer;
import io.github.r2dbcrouting.testbed.SecondMariaDbCluster;
import io.github.r2dbcrouting.testbed.Sql;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ClusterTestApplication} configured by properties only: the default cluster on the JVM's
 * {@link MariaDbCluster}, and {@code billing} on the {@link SecondMariaDbCluster}. Each request asks the server that
 * served it ({@code @@port}), and each write is looked for on both primaries.
 */
@ExtendWith({MariaDbCluster.class, SecondMariaDbCluster.class})
@SpringBootTest(classes = ClusterTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
final class ClusterApplicationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static @Nullable MariaDbCluster orders;

    private static @Nullable MariaDbCluster billing;

    @LocalServerPort
    int port;

    @BeforeAll
    static void createSchema(MariaDbCluster first, SecondMariaDbCluster second) {
        orders = first;
        billing = second.cluster();
        Flux.just(first, second.cluster())
                .concatMap(cluster -> {
                    ConnectionFactory admin = cluster.primary().adminConnectionFactory();
                    return Sql.execute(admin, "CREATE TABLE IF NOT EXISTS cluster_entry "
                                    + "(id BIGINT AUTO_INCREMENT PRIMARY KEY, text VARCHAR(200) NOT NULL)")
                            .then(Sql.execute(admin, "CREATE FUNCTION IF NOT EXISTS cluster_port() RETURNS INT "
                                    + "NOT DETERMINISTIC NO SQL RETURN @@port"))
                            .then(Sql.execute(admin, "CREATE OR REPLACE VIEW cluster_entry_served AS "
                                    + "SELECT id, text, cluster_port() AS served_port FROM cluster_entry"))
                            .then(Sql.execute(admin, "INSERT INTO cluster_entry (text) VALUES ('seed')"))
                            .then(cluster.awaitReplication());
                })
                .as(StepVerifier::create)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @DynamicPropertySource
    static void routingProperties(DynamicPropertyRegistry registry) {
        String prefix = "spring.r2dbc.routing.";
        String billingPrefix = prefix + "clusters.billing.";
        target(registry, prefix + "primary.", () -> started(orders).primary());
        target(registry, billingPrefix + "primary.", () -> started(billing).primary());
        for (int index = 1; index <= 2; index++) {
            int replica = index;
            target(registry, prefix + "replicas[" + (index - 1) + "].", () -> started(orders).replica(replica));
            target(registry, billingPrefix + "replicas[" + (index - 1) + "].",
                    () -> started(billing).replica(replica));
        }
        registry.add(prefix + "pool.initial-size", () -> 1);
        registry.add(prefix + "pool.max-size", () -> 8);
        registry.add(billingPrefix + "pool.max-size", () -> 4);
    }

    private static void target(DynamicPropertyRegistry registry, String prefix, Supplier<MariaDbServer> server) {
        registry.add(prefix + "url", () -> "r2dbc:mysql://127.0.0.1:" + server.get().port() + "/"
                + server.get().options().getRequiredValue(ConnectionFactoryOptions.DATABASE));
        registry.add(prefix + "username",
                () -> server.get().options().getRequiredValue(ConnectionFactoryOptions.USER));
        registry.add(prefix + "password",
                () -> server.get().options().getRequiredValue(ConnectionFactoryOptions.PASSWORD).toString());
    }

    private static MariaDbCluster started(@Nullable MariaDbCluster cluster) {
        if (cluster == null) {
            throw new IllegalStateException("The MariaDB clusters are not started: the @BeforeAll of "
                    + "ClusterApplicationIT did not run");
        }
        return cluster;
    }

    private static MariaDbCluster servers(String cluster) {
        return started("billing".equals(cluster) ? billing : orders);
    }

    private static Set<Integer> replicaPorts(MariaDbCluster cluster) {
        return cluster.replicas().stream().map(MariaDbServer::port).collect(Collectors.toSet());
    }

    private static long rows(MariaDbCluster cluster, String text) {
        return Sql.queryOne(cluster.primary().connectionFactory(), "SELECT COUNT(*) FROM cluster_entry WHERE text = ?",
                Long.class, text).block(TIMEOUT);
    }

    /**
     * Wait until {@code condition} holds, asking every 50ms on a thread that may block, for at most {@link #TIMEOUT}.
     */
    private static void await(String what, Duration limit, BooleanSupplier condition) {
        Boolean held = Flux.interval(Duration.ZERO, Duration.ofMillis(50))
                .onBackpressureDrop()
                .publishOn(Schedulers.boundedElastic(), 1)
                .map(tick -> condition.getAsBoolean())
                .filter(Boolean::booleanValue)
                .next()
                .timeout(limit, Mono.just(false))
                .block();
        assertThat(held).as("%s within %s", what, limit).isTrue();
    }

    private WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).responseTimeout(TIMEOUT).build();
    }

    private List<Integer> get(String path) {
        return client().get().uri(path).exchange()
                .expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<List<Integer>>() { })
                .returnResult().getResponseBody();
    }

    @Test
    void getOnEachClusterReadsThroughItsRepositoryFromThatClustersReplicas() {
        for (String cluster : List.of("orders", "billing")) {
            Set<Integer> replicas = replicaPorts(servers(cluster));
            // The cluster's monitor must have seen its replicas UP; until then reads fall back to its primary.
            await(cluster + " reads are served by its replicas", TIMEOUT,
                    () -> replicas.containsAll(get("/" + cluster + "/entries")));
            List<Integer> ports = get("/" + cluster + "/entries");
            assertThat(ports).isNotEmpty().allSatisfy(port -> assertThat(port).isIn(replicas));
        }
    }

    @Test
    void postOnEachClusterWritesInATransactionOnThatClustersPrimaryOnly() {
        for (String cluster : List.of("orders", "billing")) {
            String text = "post-" + cluster;
            client().post().uri("/" + cluster + "/entries?text=" + text).exchange()
                    .expectStatus().isOk()
                    .expectBody(Integer.class).isEqualTo(servers(cluster).primary().port());
            assertThat(rows(servers(cluster), text)).isEqualTo(1);
            assertThat(rows(servers("billing".equals(cluster) ? "orders" : "billing"), text)).isZero();
        }
    }

    @Test
    void aFailingTransactionOnEachClusterRollsBackThere() {
        for (String cluster : List.of("orders", "billing")) {
            String text = "rolled-back-" + cluster;
            client().post().uri("/" + cluster + "/entries/failing?text=" + text).exchange()
                    .expectStatus().is5xxServerError();
            assertThat(rows(servers(cluster), text)).isZero();
        }
    }

    @Test
    void useClusterRoutesTheRoutersOwnClientToThatCluster() {
        Set<Integer> replicas = replicaPorts(servers("billing"));
        await("billing reads are served by its replicas", TIMEOUT, () -> replicas.contains(
                client().get().uri("/annotated/billing/port").exchange().expectStatus().isOk()
                        .expectBody(Integer.class).returnResult().getResponseBody()));
    }
}
