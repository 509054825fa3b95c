package io.github.r2dbcrouting.testbed;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the test bed: three servers, real replication, a real {@code read_only}, and a replica that survives
 * a crash.
 */
@ExtendWith(MariaDbCluster.class)
final class MariaDbClusterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** MariaDB's ER_OPTION_PREVENTS_STATEMENT, for a write under {@code read_only}. */
    private static final int READ_ONLY_ERROR = 1290;

    private static Mono<Void> createTable(MariaDbCluster cluster, String table) {
        ConnectionFactory primary = cluster.primary().connectionFactory();
        return Sql.execute(primary, "DROP TABLE IF EXISTS " + table)
                .then(Sql.execute(primary, "CREATE TABLE " + table + " (id INT PRIMARY KEY, note VARCHAR(50))"))
                .then();
    }

    private static Mono<Long> count(MariaDbServer server, String table) {
        return Sql.queryOne(server.connectionFactory(), "SELECT COUNT(*) FROM " + table, Long.class);
    }

    @Test
    void everyServerReportsItsOwnServerId(MariaDbCluster cluster) {
        List<MariaDbServer> servers = List.of(cluster.primary(), cluster.replica(1), cluster.replica(2));

        Flux.fromIterable(servers)
                .concatMap(server -> Sql.queryOne(server.connectionFactory(), "SELECT @@server_id", Long.class))
                .as(StepVerifier::create)
                .expectNext(1L, 2L, 3L)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(servers).extracting(MariaDbServer::name).containsExactly("primary", "replica-1", "replica-2");
        assertThat(servers).extracting(MariaDbServer::serverId).containsExactly(1, 2, 3);
        assertThat(servers).extracting(MariaDbServer::port).doesNotHaveDuplicates();
        assertThat(cluster.replicas()).containsExactly(cluster.replica(1), cluster.replica(2));
    }

    @Test
    void onlyTheReplicasAreReadOnly(MariaDbCluster cluster) {
        Flux.fromIterable(List.of(cluster.primary(), cluster.replica(1), cluster.replica(2)))
                .concatMap(server -> Sql.queryOne(server.connectionFactory(), "SELECT @@read_only", Long.class))
                .as(StepVerifier::create)
                .expectNext(0L, 1L, 1L)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void rowInsertedOnPrimaryAppearsOnBothReplicas(MariaDbCluster cluster) {
        createTable(cluster, "testbed_replicated")
                .then(Sql.execute(cluster.primary().connectionFactory(),
                        "INSERT INTO testbed_replicated (id, note) VALUES (?, ?)", 1, "written on the primary"))
                .then(cluster.awaitReplication())
                .thenMany(Flux.fromIterable(cluster.replicas())
                        .concatMap(replica -> Sql.queryOne(replica.connectionFactory(),
                                "SELECT note FROM testbed_replicated WHERE id = ?", String.class, 1)))
                .as(StepVerifier::create)
                .expectNext("written on the primary", "written on the primary")
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void appUserCannotWriteOnAReplica(MariaDbCluster cluster) {
        createTable(cluster, "testbed_read_only")
                .then(cluster.awaitReplication())
                .then(Sql.execute(cluster.replica(1).connectionFactory(),
                        "INSERT INTO testbed_read_only (id, note) VALUES (1, 'written on a replica')"))
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(R2dbcException.class)
                        .hasMessageContaining("read-only")
                        .extracting(e -> ((R2dbcException) e).getErrorCode())
                        .isEqualTo(READ_ONLY_ERROR))
                .verify(TIMEOUT);

        count(cluster.replica(1), "testbed_read_only")
                .as(StepVerifier::create)
                .expectNext(0L)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void timestampsAreReadInUtc(MariaDbCluster cluster) {
        Sql.queryOne(cluster.primary().connectionFactory(), "SELECT TIMESTAMP '2024-01-02 03:04:05'", Instant.class)
                .as(StepVerifier::create)
                .expectNext(Instant.parse("2024-01-02T03:04:05Z"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void killedReplicaCatchesUpAfterRestart(MariaDbCluster cluster) {
        MariaDbServer replica = cluster.replica(2);
        long pidBeforeKill = replica.pid();
        createTable(cluster, "testbed_restart")
                .then(cluster.awaitReplication())
                .as(StepVerifier::create)
                .expectComplete()
                .verify(TIMEOUT);

        replica.kill();
        try {
            assertThat(replica.isRunning()).isFalse();
            Sql.queryOne(replica.connectionFactory(), "SELECT 1", Long.class)
                    .as(StepVerifier::create)
                    .expectError()
                    .verify(TIMEOUT);
            Sql.execute(cluster.primary().connectionFactory(),
                            "INSERT INTO testbed_restart (id, note) VALUES (1, 'written while replica-2 was down')")
                    .then(cluster.awaitReplication())
                    .as(StepVerifier::create)
                    .expectComplete()
                    .verify(TIMEOUT);
        }
        finally {
            replica.start();
        }

        assertThat(replica.isRunning()).isTrue();
        assertThat(replica.pid()).isNotEqualTo(pidBeforeKill);
        cluster.awaitReplication()
                .then(Sql.queryOne(replica.connectionFactory(), "SELECT note FROM testbed_restart WHERE id = 1",
                        String.class))
                .as(StepVerifier::create)
                .expectNext("written while replica-2 was down")
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void pausedReplicaAnswersNothingUntilResumed(MariaDbCluster cluster) {
        MariaDbServer replica = cluster.replica(2);
        long pid = replica.pid();
        replica.pause();
        try {
            Sql.queryOne(replica.connectionFactory(), "SELECT 1", Long.class)
                    .as(StepVerifier::create)
                    .expectSubscription()
                    .expectNoEvent(Duration.ofSeconds(1))
                    .thenCancel()
                    .verify(TIMEOUT);
        }
        finally {
            replica.resume();
        }
        assertThat(replica.pid()).isEqualTo(pid);
        Sql.queryOne(replica.connectionFactory(), "SELECT 1", Long.class)
                .as(StepVerifier::create)
                .expectNext(1L)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void secretsStayOutOfToString(MariaDbCluster cluster) {
        MariaDbServer primary = cluster.primary();

        assertThat(List.of(cluster.toString(), primary.toString(), primary.options().toString(),
                primary.adminOptions().toString(), primary.connectionFactory().toString()))
                .allSatisfy(text -> assertThat(text).doesNotContain("app-secret", "admin-secret"));
    }
}
