package io.github.r2dbcrouting.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.RoutingSession;
import io.github.r2dbcrouting.WriteOnReplicaRouteException;
import io.github.r2dbcrouting.WritesOnReplicaRoute;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.MariaDbServer;
import io.github.r2dbcrouting.testbed.Sql;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under a replica route, writes, locking reads, procedure calls and sequence functions run on the primary, and the
 * replicas never see them: each replica's general log and statement counters are read before and after. Every
 * statement carries a tag of its test, so that the logs are searched for that test's statements only.
 */
@ExtendWith(MariaDbCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class StatementRoutingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * Statement counters of the replicas. MariaDB also counts the row events a replica applies under
     * {@code Com_insert}, {@code Com_update} and {@code Com_delete}, identically on every replica, while a statement
     * the router sent would reach one replica only; {@code CALL} is replicated as the rows it changed, so
     * {@code Com_call_procedure} moves only for a {@code CALL} sent to the replica itself.
     */
    private static final List<String> WRITE_COUNTERS = List.of("Com_insert", "Com_update", "Com_delete",
            "Com_call_procedure");

    /** Marks the statements of one test. */
    private String tag;

    private MariaDbCluster cluster;

    private RoutingConnectionFactory router;

    private RoutingConnectionFactory failing;

    @BeforeAll
    void createSchema(MariaDbCluster started) {
        this.cluster = started;
        ConnectionFactory admin = started.primary().adminConnectionFactory();
        Flux.concat(
                        Sql.execute(admin, "CREATE OR REPLACE TABLE stmt_route "
                                + "(id INT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL)"),
                        Sql.execute(admin, "INSERT INTO stmt_route (v) VALUES (1), (2), (3)"),
                        Sql.execute(admin, "CREATE OR REPLACE SEQUENCE stmt_seq"),
                        Sql.execute(admin, "CREATE OR REPLACE PROCEDURE stmt_add(x INT) "
                                + "INSERT INTO stmt_route (v) VALUES (x)"))
                .then(started.awaitReplication())
                .as(StepVerifier::create)
                .expectComplete()
                .verify(TIMEOUT);
        for (MariaDbServer replica : started.replicas()) {
            Sql.execute(replica.adminConnectionFactory(), "SET GLOBAL log_output = 'TABLE'")
                    .then(Sql.execute(replica.adminConnectionFactory(), "SET GLOBAL general_log = 1"))
                    .block(TIMEOUT);
        }
        // No monitor: nothing but the test's own statements comes from these routers.
        this.router = Routers.router(started, builder -> builder.monitoring(false));
        this.failing = Routers.router(started, builder -> builder.monitoring(false)
                .writesOnReplicaRoute(WritesOnReplicaRoute.FAIL));
    }

    @BeforeEach
    void tagTheTestsStatements() {
        this.tag = "/* statement-routing-it " + System.nanoTime() + " */";
    }

    @AfterAll
    void stopLogging() {
        for (MariaDbServer replica : this.cluster.replicas()) {
            Sql.execute(replica.adminConnectionFactory(), "SET GLOBAL general_log = 0").block(TIMEOUT);
        }
        this.router.close().block(TIMEOUT);
        this.failing.close().block(TIMEOUT);
    }

    private String tagged(String sql) {
        return sql + " " + this.tag;
    }

    /**
     * Run {@code sql} on one replica-routed connection, then ask that connection where it is.
     */
    private Mono<Integer> serverAfter(RoutingConnectionFactory factory, String sql) {
        return Mono.usingWhen(factory.create(),
                        connection -> Flux.from(connection.createStatement(tagged(sql)).execute())
                                .concatMap(result -> Flux.from(result.getRowsUpdated()).then())
                                .then(Routers.serverId(connection)),
                        Connection::close)
                .contextWrite(Routing.withReplica());
    }

    @Test
    void writesLockingReadsCallsAndSequencesUnderAReplicaRouteRunOnThePrimaryAndNeverReachAReplica() {
        Map<String, Long> before = writeCounters();
        int primary = this.cluster.primary().serverId();
        List<String> statements = List.of(
                "INSERT INTO stmt_route (v) VALUES (10)",
                "UPDATE stmt_route SET v = v + 1 WHERE id = 1",
                "DELETE FROM stmt_route WHERE v = 10",
                "SELECT * FROM stmt_route WHERE id = 2 FOR UPDATE",
                "SELECT * FROM stmt_route LOCK IN SHARE MODE",
                "CALL stmt_add(20)",
                "SELECT NEXTVAL(stmt_seq)",
                "SELECT NEXT VALUE FOR stmt_seq");
        for (String sql : statements) {
            serverAfter(this.router, sql)
                    .as(StepVerifier::create)
                    .expectNext(primary).as(sql + " runs on the primary")
                    .expectComplete()
                    .verify(TIMEOUT);
        }
        serverAfter(this.router, "SELECT v FROM stmt_route WHERE id = 3")
                .as(StepVerifier::create)
                .assertNext(server -> assertThat(server).as("a plain read on the same route")
                        .isIn(replicaIds()))
                .expectComplete()
                .verify(TIMEOUT);

        assertThat(replicaLog()).as("this test's statements in the replicas' general logs")
                .allSatisfy(sql -> assertThat(sql).startsWith("SELECT v FROM stmt_route WHERE id = 3")
                        .doesNotContainIgnoringCase("for update"))
                .hasSize(1);
        assertCountersMovedOnlyByReplication(before);
    }

    @Test
    void withFailAWriteUnderAReplicaRouteFailsWithTheLibrarysExceptionAndNothingReachesAnyServer() {
        Map<String, Long> before = writeCounters();
        Integer value = firstValue();
        serverAfter(this.failing, "UPDATE stmt_route SET v = v + 1 WHERE id = 1")
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(WriteOnReplicaRouteException.class)
                        .hasMessageContaining("UPDATE"))
                .verify(TIMEOUT);

        assertThat(replicaLog()).as("this test's statements in the replicas' general logs")
                .noneMatch(sql -> sql.startsWith("UPDATE"));
        assertCountersMovedOnlyByReplication(before);
        assertThat(firstValue()).as("the row the refused UPDATE would have changed, on the primary").isEqualTo(value);
    }

    private Integer firstValue() {
        return Sql.queryOne(this.cluster.primary().adminConnectionFactory(), "SELECT v FROM stmt_route WHERE id = 1",
                Integer.class).block(TIMEOUT);
    }

    @Test
    void aSessionThatEscalatedAWriteReadsItOnTheNextConnectionNeverStale() {
        RoutingSession session = new RoutingSession();
        for (int round = 0; round < 20; round++) {
            int value = 1000 + round;
            Mono<Long> writeThenRead = Mono.usingWhen(this.router.create(),
                            connection -> Flux.from(connection.createStatement(
                                    tagged("INSERT INTO stmt_route (v) VALUES (" + value + ")")).execute())
                                    .concatMap(result -> Flux.from(result.getRowsUpdated()))
                                    .then(),
                            Connection::close)
                    .then(Mono.usingWhen(this.router.create(),
                            connection -> Flux.from(connection.createStatement(
                                    tagged("SELECT COUNT(*) FROM stmt_route WHERE v = " + value)).execute())
                                    .concatMap(result -> result.map(row -> row.get(0, Long.class)))
                                    .single(),
                            Connection::close))
                    .contextWrite(Routing.withReplica())
                    .contextWrite(Routing.withSession(session));
            writeThenRead.as(StepVerifier::create)
                    .expectNext(1L).as("round " + round + " reads its own write")
                    .expectComplete()
                    .verify(TIMEOUT);
        }
        assertThat(session.lastWritePosition()).as("the escalated writes were recorded").isNotNull();
    }

    private List<Integer> replicaIds() {
        return this.cluster.replicas().stream().map(MariaDbServer::serverId).toList();
    }

    /**
     * @return this test's statements that reached a replica, from the replicas' general logs
     */
    private List<String> replicaLog() {
        List<String> statements = new ArrayList<>();
        for (MariaDbServer replica : this.cluster.replicas()) {
            statements.addAll(Sql.query(replica.adminConnectionFactory(),
                            "SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log "
                                    + "WHERE command_type = 'Query' AND argument LIKE ?",
                            row -> row.get(0, String.class), "%" + this.tag + "%")
                    .filter(sql -> !sql.contains("general_log"))
                    .collectList()
                    .block(TIMEOUT));
        }
        return statements;
    }

    private void assertCountersMovedOnlyByReplication(Map<String, Long> before) {
        this.cluster.awaitReplication().block(TIMEOUT);
        Map<String, Long> after = writeCounters();
        for (String counter : WRITE_COUNTERS) {
            List<Long> moved = this.cluster.replicas().stream()
                    .map(replica -> replica.name() + "." + counter)
                    .map(key -> after.get(key) - before.get(key))
                    .toList();
            System.out.printf("StatementRoutingIT: %s moved by %s on the replicas%n", counter, moved);
            assertThat(moved).as("%s on each replica", counter).containsOnly(moved.get(0));
            if (counter.equals("Com_call_procedure")) {
                assertThat(moved.get(0)).as("CALLs that reached a replica").isZero();
            }
        }
    }

    private Map<String, Long> writeCounters() {
        Map<String, Long> counters = new TreeMap<>();
        for (MariaDbServer replica : this.cluster.replicas()) {
            Sql.query(replica.adminConnectionFactory(), "SHOW GLOBAL STATUS WHERE Variable_name IN "
                                    + "('Com_insert', 'Com_update', 'Com_delete', 'Com_call_procedure')",
                            row -> Map.entry(replica.name() + "." + row.get(0, String.class),
                                    Long.parseLong(row.get(1, String.class))))
                    .doOnNext(entry -> counters.put(entry.getKey(), entry.getValue()))
                    .blockLast(TIMEOUT);
        }
        assertThat(counters).hasSize(WRITE_COUNTERS.size() * this.cluster.replicas().size());
        return counters;
    }
}
