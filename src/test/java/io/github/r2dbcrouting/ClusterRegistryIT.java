package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.r2dbcrouting.cluster.ClusterResolver;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.MariaDbServer;
import io.github.r2dbcrouting.testbed.SecondMariaDbCluster;
import io.github.r2dbcrouting.testbed.Sql;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static io.github.r2dbcrouting.Routing.withCluster;
import static io.github.r2dbcrouting.Routing.withReplica;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry of dynamic clusters against real servers: 20 tenants, each a database {@code tenant_<i>} on one of two
 * MariaDB primaries with their replicas, named by URL or resolved. Which clusters hold connections is counted on the
 * servers, by database, in {@code information_schema.processlist}.
 */
@ExtendWith({MariaDbCluster.class, SecondMariaDbCluster.class})
final class ClusterRegistryIT {

    private static final int TENANTS = 20;

    private static final int MAX_CLUSTERS = 4;

    private static List<MariaDbCluster> servers;

    private RoutingConnectionFactory router;

    @BeforeAll
    static void createTenants(MariaDbCluster first, SecondMariaDbCluster second) {
        servers = List.of(first, second.cluster());
        for (MariaDbCluster cluster : servers) {
            Flux.range(0, TENANTS)
                    .concatMap(i -> Sql.execute(cluster.primary().adminConnectionFactory(),
                            "CREATE DATABASE IF NOT EXISTS tenant_" + i))
                    .then(Sql.execute(cluster.primary().adminConnectionFactory(),
                            "GRANT ALL PRIVILEGES ON `tenant\\_%`.* TO 'app'@'%'"))
                    .then(cluster.awaitReplication())
                    .block(Duration.ofSeconds(60));
        }
    }

    @AfterEach
    void close() {
        if (this.router != null) {
            this.router.close().block(Duration.ofSeconds(30));
        }
    }

    /**
     * @return the cluster whose servers hold tenant {@code i}: even tenants on the first, odd on the second
     */
    private static MariaDbCluster home(int tenant) {
        return servers.get(tenant % 2);
    }

    private static String url(MariaDbServer server, int tenant) {
        ConnectionFactoryOptions options = server.options();
        return "r2dbc:mysql://" + options.getValue(ConnectionFactoryOptions.USER) + ":"
                + options.getValue(ConnectionFactoryOptions.PASSWORD) + "@127.0.0.1:" + server.port() + "/tenant_"
                + tenant;
    }

    /**
     * @return the cluster name of tenant {@code i}: its primary's URL for even tenants, {@code tenant-<i>} for odd ones
     */
    private static String name(int tenant) {
        return tenant % 2 == 0 ? url(home(tenant).primary(), tenant) : "tenant-" + tenant;
    }

    private static ClusterResolver resolver(AtomicInteger calls) {
        return (name, defaults) -> {
            calls.incrementAndGet();
            int tenant = Integer.parseInt(name.substring("tenant-".length()));
            MariaDbCluster home = home(tenant);
            return Mono.just(defaults.primary(url(home.primary(), tenant))
                    .replica("replica-1", url(home.replica(1), tenant))
                    .build());
        };
    }

    private RoutingConnectionFactory router(int maxClusters, AtomicInteger calls) {
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(servers.get(0).primary().options())
                .clusterResolver(resolver(calls))
                .maxClusters(maxClusters)
                .monitorInterval(Duration.ofMillis(500))
                .pool(pool -> pool.initialSize(1).maxSize(3))
                .build());
        return this.router;
    }

    private static Mono<String> where(RoutingConnectionFactory router) {
        return Mono.usingWhen(router.create(), ClusterRegistryIT::where, Connection::close);
    }

    private static Mono<String> where(Connection connection) {
        return Flux.from(connection.createStatement("SELECT CONCAT(DATABASE(), '@', @@port)").execute())
                .concatMap(result -> result.map(row -> String.valueOf(row.get(0))))
                .single();
    }

    /**
     * @return the app user's connections to tenant databases on every server, by database
     */
    private static Map<String, Long> connectionsOnServers() {
        Map<String, Long> byDatabase = new HashMap<>();
        for (MariaDbCluster cluster : servers) {
            for (MariaDbServer server : List.of(cluster.primary(), cluster.replica(1), cluster.replica(2))) {
                Sql.query(server.adminConnectionFactory(), "SELECT db, COUNT(*) FROM information_schema.processlist "
                                + "WHERE user = 'app' AND db LIKE 'tenant\\_%' GROUP BY db",
                        row -> Map.entry(row.get(0, String.class), row.get(1, Long.class)))
                        .doOnNext(entry -> byDatabase.merge(entry.getKey(), entry.getValue(), Long::sum))
                        .blockLast(Duration.ofSeconds(10));
            }
        }
        return byDatabase;
    }

    @Test
    void registryBoundedAtFourServingTwentyClustersNeverHasMoreThanFourOnTheServers() {
        AtomicInteger calls = new AtomicInteger();
        RoutingConnectionFactory bounded = router(MAX_CLUSTERS, calls);
        Connection held = bounded.create().contextWrite(withCluster(name(0))).block(Duration.ofSeconds(10));
        int mostClusters = 0;
        long mostConnections = 0;
        int served = 0;
        long started = System.nanoTime();
        for (int round = 0; round < 2; round++) {
            for (int tenant = 1; tenant < TENANTS; tenant++) {
                int expectedPort = tenant % 2 == 0 ? home(tenant).primary().port() : -1;
                String tenantDb = "tenant_" + tenant;
                Flux.merge(where(bounded), where(bounded).contextWrite(withReplica()))
                        .contextWrite(withCluster(name(tenant)))
                        .collectList()
                        .as(StepVerifier::create)
                        .assertNext(places -> assertThat(places).hasSize(2).allSatisfy(place ->
                                assertThat(place).startsWith(tenantDb + "@")))
                        .verifyComplete();
                served += 2;
                if (expectedPort > 0) {
                    where(bounded).contextWrite(withCluster(name(tenant)))
                            .as(StepVerifier::create).expectNext(tenantDb + "@" + expectedPort).verifyComplete();
                    served++;
                }
                Map<String, Long> onServers = connectionsOnServers();
                assertThat(onServers.size()).as("clusters with connections on the servers: %s", onServers)
                        .isLessThanOrEqualTo(MAX_CLUSTERS);
                assertThat(onServers).containsKey("tenant_0");
                mostClusters = Math.max(mostClusters, onServers.size());
                mostConnections = Math.max(mostConnections,
                        onServers.values().stream().mapToLong(Long::longValue).sum());
                assertThat(bounded.clusters().dynamicClusters()).hasSizeLessThanOrEqualTo(MAX_CLUSTERS);
            }
        }
        // The connection held across every eviction still works, and goes back normally.
        where(held).as(StepVerifier::create).expectNext("tenant_0@" + home(0).primary().port()).verifyComplete();
        long evictionsWhileHeld = bounded.clusters().evictionCount();
        assertThat(bounded.clusters().dynamicClusters()).containsEntry(name(0).replaceAll(":[^:@]*@", ":****@"), 1);
        Mono.from(held.close()).as(StepVerifier::create).verifyComplete();
        // Now idle, tenant_0's cluster is the least recently used: the next new clusters evict it and its pool closes.
        for (int tenant = 1; tenant <= MAX_CLUSTERS; tenant++) {
            where(bounded).contextWrite(withCluster(name(tenant))).block(Duration.ofSeconds(10));
        }
        Map<String, Long> afterRelease = connectionsOnServers();
        assertThat(afterRelease).doesNotContainKey("tenant_0").hasSizeLessThanOrEqualTo(MAX_CLUSTERS);
        System.out.printf("Registry bounded at %d: %d operations over %d clusters (%d resolver calls) in %d ms; "
                        + "%d clusters opened, %d evictions while a connection was held across them (%d in all); at "
                        + "most %d clusters and %d connections on the servers; after release: %s%n",
                MAX_CLUSTERS, served, TENANTS, calls.get(), (System.nanoTime() - started) / 1_000_000,
                bounded.clusters().openedCount(), evictionsWhileHeld, bounded.clusters().evictionCount(),
                mostClusters, mostConnections, afterRelease);
    }

    @Test
    void fiveHundredConcurrentFirstUsesOfTenNamesOpenEachClusterOnce() {
        AtomicInteger calls = new AtomicInteger();
        RoutingConnectionFactory registry = router(16, calls);
        long started = System.nanoTime();
        Flux.range(0, 500)
                .flatMap(i -> where(registry).contextWrite(withCluster("tenant-" + (2 * (i % 10) + 1)))
                        .subscribeOn(Schedulers.parallel()), 500)
                .collectList()
                .as(StepVerifier::create)
                .assertNext(places -> assertThat(places).hasSize(500).allSatisfy(place ->
                        assertThat(place).matches("tenant_(1|3|5|7|9|11|13|15|17|19)@\\d+")))
                .verifyComplete();
        assertThat(calls).hasValue(10);
        assertThat(registry.clusters().openedCount()).isEqualTo(10);
        Map<String, Long> onServers = connectionsOnServers();
        // Each cluster's primary pool holds at most 3, plus its replica's monitor connection.
        assertThat(onServers).hasSize(10).allSatisfy((db, count) -> assertThat(count).isBetween(1L, 4L));
        System.out.printf("500 concurrent first uses of 10 names in %d ms: %d resolver calls, %d clusters opened; "
                        + "connections on the servers by database: %s%n",
                (System.nanoTime() - started) / 1_000_000, calls.get(), registry.clusters().openedCount(),
                onServers);
    }
}
