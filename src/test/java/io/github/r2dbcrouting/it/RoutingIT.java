package io.github.r2dbcrouting.it;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.Sql;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static io.github.r2dbcrouting.Routing.withPrimary;
import static io.github.r2dbcrouting.Routing.withReplica;
import static io.github.r2dbcrouting.Routing.withStickyReplica;
import static io.github.r2dbcrouting.it.Routers.serverId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing against a real MariaDB primary (server_id 1) and two replicas (2 and 3), proven by asking the servers.
 */
@ExtendWith(MariaDbCluster.class)
final class RoutingIT {

    private static final int PRIMARY = 1;

    private static RoutingConnectionFactory router;

    @BeforeAll
    static void start(MariaDbCluster cluster) {
        router = Routers.router(cluster, builder -> builder);
        Sql.execute(cluster.primary().connectionFactory(), "CREATE OR REPLACE TABLE routing_numbers "
                + "(id INT PRIMARY KEY) SELECT seq AS id FROM seq_1_to_10000").block();
        Sql.execute(cluster.primary().connectionFactory(), "CREATE OR REPLACE TABLE routing_writes "
                + "(id INT AUTO_INCREMENT PRIMARY KEY, n INT)").block();
        cluster.awaitReplication().block(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        router.close().block();
    }

    @Test
    void connectionWithoutOperatorComesFromPrimary() {
        serverId(router).as(StepVerifier::create).expectNext(PRIMARY).verifyComplete();
    }

    @Test
    void withReplicaReadsFromAReplica() {
        serverId(router).contextWrite(withReplica())
                .as(StepVerifier::create)
                .assertNext(id -> assertThat(id).isIn(2, 3))
                .verifyComplete();
    }

    @Test
    void withPrimaryInsideWithReplicaUsesPrimary() {
        serverId(router).contextWrite(withPrimary()).contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext(PRIMARY)
                .verifyComplete();
    }

    @Test
    void roundRobinSpreadsReadsOverBothReplicas() {
        Flux.range(0, 100)
                .concatMap(i -> serverId(router))
                .contextWrite(withReplica())
                .collectMultimap(id -> id)
                .as(StepVerifier::create)
                .assertNext(byServer -> {
                    assertThat(byServer).containsOnlyKeys(2, 3);
                    assertThat(byServer.get(2)).hasSize(50);
                    assertThat(byServer.get(3)).hasSize(50);
                })
                .verifyComplete();
    }

    @Test
    void stickyScopeKeepsTwentyReadsOnOneReplica() {
        Flux.range(0, 20)
                .flatMap(i -> serverId(router), 4)
                .distinct()
                .contextWrite(withReplica())
                .contextWrite(withStickyReplica())
                .as(StepVerifier::create)
                .assertNext(id -> assertThat(id).isIn(2, 3))
                .verifyComplete();
    }

    @Test
    void cancellingALargeResultReleasesTheConnection() {
        Flux.usingWhen(router.create(),
                        connection -> Flux.from(connection.createStatement("SELECT id FROM routing_numbers ORDER BY id")
                                        .execute())
                                .concatMap(result -> result.map(row -> row.get(0, Integer.class))),
                        Connection::close)
                .take(3)
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext(1, 2, 3)
                .verifyComplete();

        Routers.await("every pool has 0 acquired connections", Duration.ofSeconds(10),
                () -> Routers.everyPoolIdle(router));
    }

    @Test
    void errorInsideThePipelineReleasesTheConnection() {
        Flux.usingWhen(router.create(),
                        connection -> Flux.from(connection.createStatement("SELECT * FROM no_such_table").execute())
                                .concatMap(result -> result.getRowsUpdated()),
                        Connection::close)
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .verifyErrorSatisfies(error -> assertThat(error).hasMessageContaining("no_such_table"));

        Routers.await("every pool has 0 acquired connections", Duration.ofSeconds(10),
                () -> Routers.everyPoolIdle(router));
    }

    @Test
    void thousandConcurrentReadsAndWritesEachLandWhereRouted() {
        Map<String, AtomicInteger> landed = new ConcurrentHashMap<>();
        Flux.range(0, 1000)
                .flatMap(i -> i % 2 == 0 ? write(i) : read(), 64)
                .doOnNext(where -> landed.computeIfAbsent(where, key -> new AtomicInteger()).incrementAndGet())
                .then()
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(landed).containsOnlyKeys("write@1", "read@2", "read@3");
        assertThat(landed.get("write@1")).hasValue(500);
        assertThat(landed.get("read@2").get() + landed.get("read@3").get()).isEqualTo(500);
        assertThat(Routers.everyPoolIdle(router)).isTrue();
    }

    private static Mono<String> write(int n) {
        return Mono.usingWhen(router.create(),
                connection -> Flux.from(connection.createStatement("INSERT INTO routing_writes (n) VALUES (?)")
                                .bind(0, n)
                                .execute())
                        .concatMap(result -> result.getRowsUpdated())
                        .then(serverId(connection))
                        .map(id -> "write@" + id),
                Connection::close);
    }

    private static Mono<String> read() {
        return serverId(router).map(id -> "read@" + id).contextWrite(withReplica());
    }
}
