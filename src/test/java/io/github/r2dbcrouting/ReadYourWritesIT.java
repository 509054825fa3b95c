package io.github.r2dbcrouting;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.r2dbcrouting.dialect.ReplicationDialect;
import io.github.r2dbcrouting.it.Routers;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.MariaDbServer;
import io.github.r2dbcrouting.testbed.Sql;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static io.github.r2dbcrouting.Routing.withReplica;
import static io.github.r2dbcrouting.Routing.withStickyReplica;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes against real servers: a session's read right after its write never misses it, even while a
 * replica lags. Which path a read took is read from the replicas' own counters ({@code Master_gtid_wait_count}).
 */
@ExtendWith(MariaDbCluster.class)
final class ReadYourWritesIT {

    private static final AtomicInteger ids = new AtomicInteger();

    private static MariaDbCluster cluster;

    private static RoutingConnectionFactory router;

    @BeforeAll
    static void start(MariaDbCluster testBed) {
        cluster = testBed;
        router = Routers.router(cluster, builder -> builder.monitorInterval(Duration.ofMillis(200)));
        Sql.execute(cluster.primary().connectionFactory(),
                "CREATE OR REPLACE TABLE ryw_rows (id INT PRIMARY KEY, v INT NOT NULL)").block();
        cluster.awaitReplication().block(Duration.ofSeconds(30));
        awaitState(1, ReplicaState.UP);
        awaitState(2, ReplicaState.UP);
    }

    @AfterAll
    static void stop() {
        router.close().block();
    }

    @AfterEach
    void restartSqlThreads() {
        for (MariaDbServer replica : cluster.replicas()) {
            Sql.execute(replica.adminConnectionFactory(), "START SLAVE SQL_THREAD").block();
        }
        cluster.awaitReplication().block(Duration.ofSeconds(30));
        awaitState(1, ReplicaState.UP);
        awaitState(2, ReplicaState.UP);
    }

    private static void awaitState(int replica, ReplicaState state) {
        Replica target = router.replicas().get(replica - 1);
        Routers.await(target.name() + " is " + state, Duration.ofSeconds(10), () -> target.state() == state);
    }

    private static long gtidWaits(MariaDbServer server, String counter) {
        return Sql.query(server.adminConnectionFactory(), "SHOW GLOBAL STATUS LIKE '" + counter + "'",
                        row -> Long.parseLong(String.valueOf(row.get(1))))
                .single()
                .block();
    }

    private static Mono<Void> write(int id) {
        return Mono.usingWhen(router.create(),
                connection -> Flux.from(connection.createStatement("INSERT INTO ryw_rows (id, v) VALUES (?, ?)")
                                .bind(0, id)
                                .bind(1, id * 2)
                                .execute())
                        .concatMap(result -> result.getRowsUpdated())
                        .then(),
                Connection::close);
    }

    /**
     * @return {@code "<server_id>:found"} or {@code "<server_id>:missing"}
     */
    private static Mono<String> readBack(int id) {
        return Mono.usingWhen(router.create(),
                connection -> Flux.from(connection.createStatement(
                                        "SELECT @@server_id, (SELECT COUNT(*) FROM ryw_rows WHERE id = ?)")
                                .bind(0, id)
                                .execute())
                        .concatMap(result -> result.map(row -> row.get(0) + ":"
                                + (Integer.parseInt(String.valueOf(row.get(1))) == 1 ? "found" : "missing")))
                        .single(),
                Connection::close).contextWrite(withReplica());
    }

    @Test
    void thousandReadsAfterOwnWritesSeeThemWhileAReplicaLags() {
        Sql.execute(cluster.replica(2).adminConnectionFactory(), "STOP SLAVE SQL_THREAD").block();
        awaitState(2, ReplicaState.LAGGING);
        long waitsBefore = gtidWaits(cluster.replica(1), "Master_gtid_wait_count");

        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        Flux.range(0, 1000)
                .flatMap(i -> {
                    int id = ids.incrementAndGet();
                    return write(id).then(readBack(id)).contextWrite(withStickyReplica());
                }, 8)
                .doOnNext(outcome -> outcomes.computeIfAbsent(outcome, key -> new AtomicInteger()).incrementAndGet())
                .then()
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(outcomes.keySet()).as("no read missed its own write, none went to the lagging replica")
                .allMatch(outcome -> outcome.endsWith(":found"))
                .noneMatch(outcome -> outcome.startsWith("3:"));
        assertThat(outcomes.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(1000);
        assertThat(gtidWaits(cluster.replica(1), "Master_gtid_wait_count") - waitsBefore)
                .as("reads on replica-1 waited for their write").isPositive();
    }

    @Test
    void readAfterWriteUsesAReplicaThatIsKnownToHaveAppliedItWithoutWaiting() {
        RoutingSession session = new RoutingSession();
        int id = ids.incrementAndGet();
        write(id).contextWrite(Routing.withSession(session)).block();
        String position = session.lastWritePosition();
        assertThat(position).as("the write's GTID was recorded").matches("0-1-\\d+");
        Routers.await("the monitor saw both replicas apply " + position, Duration.ofSeconds(10),
                () -> router.replicas().stream().allMatch(replica -> replica.position() != null
                        && ReplicationDialect.mariaDb().covers(replica.position(), position)));
        long waitsBefore = gtidWaits(cluster.replica(1), "Master_gtid_wait_count")
                + gtidWaits(cluster.replica(2), "Master_gtid_wait_count");

        readBack(id).contextWrite(Routing.withSession(session))
                .as(StepVerifier::create)
                .assertNext(outcome -> assertThat(outcome).isIn("2:found", "3:found"))
                .verifyComplete();

        assertThat(gtidWaits(cluster.replica(1), "Master_gtid_wait_count")
                + gtidWaits(cluster.replica(2), "Master_gtid_wait_count")).isEqualTo(waitsBefore);
    }

    @Test
    void readAfterAWriteNoReplicaAppliesInTimeGoesToPrimary() {
        // A position far beyond anything written: no replica can reach it within readYourWritesTimeout.
        RoutingSession session = RoutingSession.resume("0-1-999999999", Instant.now());
        long timeoutsBefore = gtidWaits(cluster.replica(1), "Master_gtid_wait_timeouts")
                + gtidWaits(cluster.replica(2), "Master_gtid_wait_timeouts");

        Routers.serverId(router)
                .contextWrite(withReplica())
                .contextWrite(Routing.withSession(session))
                .as(StepVerifier::create)
                .expectNext(1)
                .verifyComplete();

        assertThat(gtidWaits(cluster.replica(1), "Master_gtid_wait_timeouts")
                + gtidWaits(cluster.replica(2), "Master_gtid_wait_timeouts") - timeoutsBefore).isEqualTo(1);
        Routers.await("every pool has 0 acquired connections", Duration.ofSeconds(5),
                () -> Routers.everyPoolIdle(router));
    }

    @Test
    void timeWindowSendsReadsAfterAWriteToPrimary() {
        RoutingConnectionFactory windowed = Routers.router(cluster, builder -> builder
                .readYourWrites(ReadYourWrites.TIME_WINDOW)
                .readYourWritesWindow(Duration.ofSeconds(30)));
        try {
            RoutingSession session = new RoutingSession();
            Mono<Integer> readServer = Routers.serverId(windowed).contextWrite(withReplica());
            readServer.contextWrite(Routing.withSession(session))
                    .as(StepVerifier::create)
                    .assertNext(id -> assertThat(id).isIn(2, 3))
                    .verifyComplete();

            Mono.usingWhen(windowed.create(),
                            connection -> Flux.from(connection.createStatement(
                                    "INSERT INTO ryw_rows (id, v) VALUES (" + ids.incrementAndGet() + ", 0)").execute())
                                    .concatMap(result -> result.getRowsUpdated())
                                    .then(),
                            Connection::close)
                    .then(readServer)
                    .contextWrite(Routing.withSession(session))
                    .as(StepVerifier::create)
                    .expectNext(1)
                    .verifyComplete();
            assertThat(session.lastWritePosition()).isNull();
            assertThat(session.lastWriteTime()).isNotNull();
        }
        finally {
            windowed.close().block();
        }
    }
}
