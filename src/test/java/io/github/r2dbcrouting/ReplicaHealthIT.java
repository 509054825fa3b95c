package io.github.r2dbcrouting;

import java.time.Duration;

import io.github.r2dbcrouting.it.Routers;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.Sql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static io.github.r2dbcrouting.Routing.withReplica;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replication monitor against real replicas: a replica whose SQL thread stops is taken out of rotation within
 * two intervals and comes back when it runs again.
 */
@ExtendWith(MariaDbCluster.class)
final class ReplicaHealthIT {

    private static final Duration INTERVAL = Duration.ofMillis(500);

    private static MariaDbCluster cluster;

    private static RoutingConnectionFactory router;

    @BeforeAll
    static void start(MariaDbCluster testBed) {
        cluster = testBed;
        router = Routers.router(cluster, builder -> builder.monitorInterval(INTERVAL));
        Sql.execute(cluster.primary().connectionFactory(),
                "CREATE OR REPLACE TABLE health_rows (id INT AUTO_INCREMENT PRIMARY KEY)").block();
        cluster.awaitReplication().block(Duration.ofSeconds(30));
        Routers.await("both replicas are UP", Duration.ofSeconds(10),
                () -> router.replicas().stream().allMatch(replica -> replica.state() == ReplicaState.UP));
    }

    @AfterAll
    static void stop() {
        Sql.execute(cluster.replica(2).adminConnectionFactory(), "START SLAVE SQL_THREAD").block();
        router.close().block();
    }

    @Test
    void replicaWithStoppedSqlThreadIsLaggingWithinTwoIntervalsAndGetsNoReads() {
        Replica replica2 = router.replicas().get(1);
        Sql.execute(cluster.replica(2).adminConnectionFactory(), "STOP SLAVE SQL_THREAD").block();
        Sql.execute(cluster.primary().connectionFactory(), "INSERT INTO health_rows VALUES ()").block();

        Routers.await("replica-2 is LAGGING", INTERVAL.multipliedBy(2), () -> replica2.state() == ReplicaState.LAGGING);
        assertThat(replica2.reason()).isEqualTo("SQL thread not running: lag unknown");
        Flux.range(0, 50)
                .concatMap(i -> Routers.serverId(router))
                .distinct()
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext(2)
                .verifyComplete();

        Sql.execute(cluster.replica(2).adminConnectionFactory(), "START SLAVE SQL_THREAD").block();
        Routers.await("replica-2 is UP again", INTERVAL.multipliedBy(4), () -> replica2.state() == ReplicaState.UP);
        Flux.range(0, 50)
                .concatMap(i -> Routers.serverId(router))
                .distinct()
                .sort()
                .contextWrite(withReplica())
                .as(StepVerifier::create)
                .expectNext(2, 3)
                .verifyComplete();
    }
}
