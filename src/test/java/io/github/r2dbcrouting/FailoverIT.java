package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.r2dbcrouting.it.Routers;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.Sql;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static io.github.r2dbcrouting.Routing.withReplica;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crashes of real servers: a replica killed under read load costs no read, and comes back; a dead primary fails
 * writes fast with a clear error while replica reads go on. These tests kill servers, so they run on a cluster of
 * their own: the pools of the other tests never see a crash.
 */
final class FailoverIT {

    private static final Duration INTERVAL = Duration.ofMillis(500);

    private static final Duration BACKOFF = Duration.ofMillis(500);

    private static MariaDbCluster cluster;

    private static RoutingConnectionFactory router;

    @BeforeAll
    static void start() {
        cluster = MariaDbCluster.start();
        // Validating on acquire finds pooled connections to a killed server before a statement is sent on them.
        router = Routers.router(cluster, builder -> builder
                .monitorInterval(INTERVAL)
                .failoverBackoff(BACKOFF)
                .maxFailoverBackoff(Duration.ofSeconds(2))
                .pool(pool -> pool.initialSize(0).maxSize(10).maxAcquireTime(Duration.ofSeconds(5))
                        .validationDepth(ValidationDepth.REMOTE)));
        Sql.execute(cluster.primary().connectionFactory(),
                "CREATE OR REPLACE TABLE failover_rows (id INT AUTO_INCREMENT PRIMARY KEY)").block();
        cluster.awaitReplication().block(Duration.ofSeconds(30));
        awaitAllUp();
    }

    @AfterAll
    static void stop() {
        router.close().block();
        cluster.stop();
    }

    @AfterEach
    void restartEveryServer() {
        if (!cluster.primary().isRunning()) {
            cluster.primary().start();
        }
        for (var replica : cluster.replicas()) {
            if (!replica.isRunning()) {
                replica.start();
            }
        }
        cluster.awaitReplication().block(Duration.ofSeconds(30));
        awaitAllUp();
    }

    private static void awaitAllUp() {
        Routers.await("both replicas are UP", Duration.ofSeconds(15),
                () -> router.replicas().stream().allMatch(replica -> replica.state() == ReplicaState.UP));
    }

    private static Mono<String> read() {
        return Routers.serverId(router)
                .map(id -> "server-" + id)
                .onErrorResume(error -> Mono.just("failed: " + error))
                .contextWrite(withReplica());
    }

    @Test
    void replicaKilledUnderReadLoadCostsNoReadAndComesBack() {
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        Flux.range(0, 600)
                .concatMap(i -> {
                    if (i == 200) {
                        cluster.replica(2).kill();
                    }
                    if (i == 400) {
                        cluster.replica(2).start();
                    }
                    return read();
                })
                .doOnNext(outcome -> outcomes.computeIfAbsent(outcome, key -> new AtomicInteger()).incrementAndGet())
                .then()
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(outcomes.keySet()).as("failed reads").allMatch(outcome -> outcome.startsWith("server-"));
        assertThat(outcomes.keySet()).containsOnly("server-2", "server-3");

        Replica replica2 = router.replicas().get(1);
        Routers.await("the restarted replica is back in rotation within interval + backoff",
                INTERVAL.plus(Duration.ofSeconds(2)).plusSeconds(1), () -> replica2.state() == ReplicaState.UP);
        Flux.range(0, 20)
                .concatMap(i -> read())
                .distinct()
                .sort()
                .as(StepVerifier::create)
                .expectNext("server-2", "server-3")
                .verifyComplete();
    }

    @Test
    void deadPrimaryFailsWritesFastWhileReplicaReadsGoOn() {
        cluster.primary().kill();
        long started = System.nanoTime();
        Mono.usingWhen(router.create(),
                        connection -> Flux.from(connection.createStatement("INSERT INTO failover_rows VALUES ()")
                                .execute()).then(),
                        Connection::close)
                .as(StepVerifier::create)
                .verifyErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(PrimaryUnavailableException.class)
                        .hasMessageStartingWith("The primary did not hand out a connection"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));

        Flux.range(0, 50)
                .concatMap(i -> read())
                .distinct()
                .sort()
                .as(StepVerifier::create)
                .expectNext("server-2", "server-3")
                .verifyComplete();
        assertThat(router.replicas()).extracting(Replica::state).containsOnly(ReplicaState.UP);
    }
}
