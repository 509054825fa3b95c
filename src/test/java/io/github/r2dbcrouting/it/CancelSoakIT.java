package io.github.r2dbcrouting.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.RoutingSession;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.MariaDbServer;
import io.github.r2dbcrouting.testbed.Sql;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static io.github.r2dbcrouting.Routing.withReplica;
import static io.github.r2dbcrouting.Routing.withSession;
import static io.github.r2dbcrouting.Routing.withStickyReplica;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * Mixed work with cancellations at random points against a real primary and two replicas, then proof that no
 * connection leaked: every pool reports 0 acquired connections, no server holds more connections of the test's
 * database user than its pool and replication monitor may open, and none is left once the router is closed.
 * <p>
 * Each test connects as a database user of its own ({@code soak_mixed}, {@code soak_reads}), so that the servers'
 * process lists count only its router's connections and its monitors', and a connection that one test leaks does not
 * count against the other. Each run prints its seed: {@code -Dsoak.seed=N} replays the same operations and cancel
 * delays (thread timing still differs); {@code -Dsoak.operations=N} and {@code -Dsoak.reads=N} change the length of
 * the two runs.
 */
@ExtendWith(MariaDbCluster.class)
final class CancelSoakIT {

    private static final String MIXED_USER = "soak_mixed";

    private static final String READS_USER = "soak_reads";

    private static final String PASSWORD = "soak-secret";

    private static final long SEED = Long.getLong("soak.seed", System.nanoTime());

    private static final int OPERATIONS = Integer.getInteger("soak.operations", 20_000);

    private static final int READS = Integer.getInteger("soak.reads", 20_000);

    private static final int IN_FLIGHT = 64;

    private static final int POOL_SIZE = 10;

    /** The replication monitor of each replica keeps one connection of its own, outside the pool. */
    private static final int MONITOR_CONNECTIONS = 1;

    private static final Duration RUN_LIMIT = Duration.ofSeconds(90);

    private static final Duration OPERATION_LIMIT = Duration.ofSeconds(15);

    /**
     * Longer than a release that r2dbc-mysql never completes takes to be given up: the reset of a released
     * connection and its close are each bounded by the router's releaseTimeout (5s).
     */
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(15);

    /**
     * The servers' wait_timeout and net_write_timeout for the test's connections: a connection whose driver stalled
     * (see README) stays open on the server until one of them drops it (an idle one, or one whose result nobody
     * reads any more), although its pool slot was given back.
     */
    private static final int WAIT_TIMEOUT_SECONDS = 5;

    private static final int MAX_STALLED_OPERATIONS = 3;

    private static final Duration SERVER_SETTLE_LIMIT = Duration.ofSeconds(WAIT_TIMEOUT_SECONDS).plus(SETTLE_LIMIT);

    private static MariaDbCluster cluster;

    private @Nullable RoutingConnectionFactory router;

    @BeforeAll
    static void createUserAndTables(MariaDbCluster testBed) {
        cluster = testBed;
        String database = (String) testBed.primary().options().getRequiredValue(ConnectionFactoryOptions.DATABASE);
        List<String> statements = new ArrayList<>();
        for (String user : List.of(MIXED_USER, READS_USER)) {
            statements.add("CREATE OR REPLACE USER '" + user + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            statements.add("GRANT ALL PRIVILEGES ON `" + database + "`.* TO '" + user + "'@'%'");
            statements.add("GRANT SLAVE MONITOR ON *.* TO '" + user + "'@'%'");
        }
        statements.add("CREATE OR REPLACE TABLE soak_numbers (id INT PRIMARY KEY) SELECT seq AS id FROM seq_1_to_"
                + SoakOperation.RESULT_ROWS);
        statements.add("CREATE OR REPLACE TABLE soak_writes (id INT AUTO_INCREMENT PRIMARY KEY, n INT NOT NULL,"
                + " KEY (n))");
        for (String sql : statements) {
            Sql.execute(testBed.primary().adminConnectionFactory(), sql).block(Duration.ofSeconds(30));
        }
        testBed.awaitReplication().block(Duration.ofSeconds(30));
        System.out.println("CancelSoakIT seed " + SEED + " (replay with -Dsoak.seed=" + SEED + ")");
    }

    @AfterEach
    void closeRouter() {
        RoutingConnectionFactory current = this.router;
        if (current != null) {
            current.close().block(SETTLE_LIMIT);
        }
    }

    @Test
    void mixedWorkWithRandomCancelsLeavesNoConnectionBehind() {
        RoutingConnectionFactory router = newRouter(MIXED_USER);
        SoakTally tally = new SoakTally();
        Random random = new Random(SEED);
        long start = System.nanoTime();

        Flux.range(0, OPERATIONS)
                .map(index -> SoakOperation.draw(index, random))
                .flatMap(operation -> run(mixed(router, operation), operation.cancel, operation.probe, tally),
                        IN_FLIGHT)
                .take(RUN_LIMIT)
                .then()
                .as(StepVerifier::create)
                .expectComplete()
                .verify(RUN_LIMIT.plus(OPERATION_LIMIT));

        assertNothingLeaked("mixed", MIXED_USER, router, tally, OPERATIONS, System.nanoTime() - start);
    }

    @Test
    void readsCancelledMidStatementLeaveNoConnectionBehind() {
        RoutingConnectionFactory router = newRouter(READS_USER);
        SoakTally tally = new SoakTally();
        Random random = new Random(SEED + 1);
        long start = System.nanoTime();

        Flux.range(0, READS)
                .map(index -> index % 2 == 0 ? Duration.ZERO : Duration.ofNanos(500_000 + random.nextInt(3_500_000)))
                .flatMap(cancelAfter -> {
                    SoakProbe probe = new SoakProbe();
                    return run(sleepingRead(router, probe, cancelAfter, tally), null, probe, tally);
                }, IN_FLIGHT)
                .take(RUN_LIMIT)
                .then()
                .as(StepVerifier::create)
                .expectComplete()
                .verify(RUN_LIMIT.plus(OPERATION_LIMIT));

        assertNothingLeaked("reads", READS_USER, router, tally, READS, System.nanoTime() - start);
    }

    /**
     * The only place that builds a router: pools of {@value #POOL_SIZE} for the primary and each replica, as
     * {@code user}.
     */
    private RoutingConnectionFactory newRouter(String user) {
        RoutingConnectionFactory built = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(as(user, cluster.primary()))
                .replica("replica-1", as(user, cluster.replica(1)))
                .replica("replica-2", as(user, cluster.replica(2)))
                .pool(pool -> pool.initialSize(0).maxSize(POOL_SIZE).maxAcquireTime(Duration.ofSeconds(5)))
                .build());
        this.router = built;
        return built;
    }

    private static ConnectionFactoryOptions as(String user, MariaDbServer server) {
        return ConnectionFactoryOptions.builder()
                .from(server.options())
                .option(ConnectionFactoryOptions.USER, user)
                .option(ConnectionFactoryOptions.PASSWORD, PASSWORD)
                .option(Option.valueOf("sessionVariables"), "wait_timeout=" + WAIT_TIMEOUT_SECONDS
                        + ",net_write_timeout=" + WAIT_TIMEOUT_SECONDS + ",net_read_timeout=" + WAIT_TIMEOUT_SECONDS)
                .build();
    }

    private static Mono<Void> mixed(RoutingConnectionFactory router, SoakOperation operation) {
        SoakProbe probe = operation.probe;
        return switch (operation.kind) {
            case REPLICA_READ -> serverId(router, probe).contextWrite(withReplica()).then();
            case CUT_RESULT -> query(router, probe, "SELECT id FROM soak_numbers ORDER BY id",
                            row -> row.get(0, Integer.class))
                    .take(operation.rows)
                    .count()
                    .flatMap(count -> count == operation.rows ? Mono.<Void>empty()
                            : Mono.error(new AssertionError("take(" + operation.rows + ") gave " + count + " rows")))
                    .contextWrite(withReplica());
            case STICKY_READS -> Mono.zip(serverId(router, probe), serverId(router, probe))
                    .flatMap(ids -> ids.getT1().equals(ids.getT2()) ? Mono.<Void>empty()
                            : Mono.error(new AssertionError("One sticky scope read from servers " + ids.getT1()
                                    + " and " + ids.getT2())))
                    .contextWrite(withReplica())
                    .contextWrite(withStickyReplica());
            case SESSION_READ -> write(router, probe, operation.index)
                    .then(query(router, probe, "SELECT COUNT(*) FROM soak_writes WHERE n = ?",
                                    row -> row.get(0, Long.class), operation.index)
                            .single()
                            .contextWrite(withReplica()))
                    .flatMap(count -> count == 1 ? Mono.<Void>empty()
                            : Mono.error(new AssertionError("A session read found " + count + " rows of its own"
                                    + " write " + operation.index)))
                    .contextWrite(withSession(new RoutingSession()));
            case WRITE -> write(router, probe, operation.index);
        };
    }

    /**
     * A replica read of a statement that sleeps 5ms on the server; unless {@code cancelAfter} is zero, its result
     * is cancelled after that delay, counted from when the connection arrived, while the statement still runs.
     */
    private static Mono<Void> sleepingRead(RoutingConnectionFactory router, SoakProbe probe, Duration cancelAfter,
            SoakTally tally) {
        String sql = "SELECT SLEEP(0.005)";
        if (cancelAfter.isZero()) {
            return query(router, probe, sql, row -> row.get(0, Long.class)).then().contextWrite(withReplica());
        }
        return Flux.usingWhen(router.create().doOnNext(connection -> probe.connected()),
                        connection -> statement(connection, sql)
                                .flatMap(result -> result.map(row -> row.get(0, Long.class)))
                                .doOnNext(row -> probe.rowArrived())
                                .doOnCancel(() -> tally.cancelled(probe.stage()))
                                .take(cancelAfter),
                        Connection::close)
                .then()
                .contextWrite(withReplica());
    }

    private static Mono<Integer> serverId(RoutingConnectionFactory router, SoakProbe probe) {
        return query(router, probe, "SELECT @@server_id, SLEEP(0.001)", row -> row.get(0, Number.class).intValue())
                .single();
    }

    private static Mono<Void> write(RoutingConnectionFactory router, SoakProbe probe, int n) {
        return Flux.usingWhen(router.create().doOnNext(connection -> probe.connected()),
                        connection -> Flux.from(connection.createStatement("INSERT INTO soak_writes (n) VALUES (?)")
                                        .bind(0, n)
                                        .execute())
                                .flatMap(result -> result.getRowsUpdated()),
                        Connection::close)
                .then();
    }

    private static <T> Flux<T> query(RoutingConnectionFactory router, SoakProbe probe, String sql,
            Function<? super Readable, ? extends T> mapper, Object... bindings) {
        return Flux.usingWhen(router.create().doOnNext(connection -> probe.connected()),
                connection -> statement(connection, sql, bindings)
                        .flatMap(result -> result.map(mapper))
                        .doOnNext(row -> probe.rowArrived()),
                Connection::close);
    }

    private static Flux<Result> statement(Connection connection, String sql, Object... bindings) {
        Statement statement = connection.createStatement(sql);
        for (int index = 0; index < bindings.length; index++) {
            statement.bind(index, bindings[index]);
        }
        return Flux.from(statement.execute());
    }

    /**
     * Run one operation within {@link #OPERATION_LIMIT}, cancel it at {@code cancel} unless that is {@code null},
     * and count how it ended. Never errors: a failure is counted.
     */
    private static Mono<Void> run(Mono<Void> work, SoakProbe.@Nullable CancelPoint cancel, SoakProbe probe,
            SoakTally tally) {
        Mono<Void> cancellable = cancel == null ? work
                : work.doOnCancel(() -> tally.cancelled(probe.stage()))
                        .takeUntilOther(probe.reached(cancel.stage()).then(Mono.delay(cancel.delay())));
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return cancellable.timeout(OPERATION_LIMIT)
                    .doOnSuccess(done -> tally.ok())
                    .onErrorResume(error -> {
                        tally.failed(error);
                        return Mono.empty();
                    })
                    .doFinally(signal -> tally.took(System.nanoTime() - start));
        });
    }

    private static void assertNothingLeaked(String run, String user, RoutingConnectionFactory router, SoakTally tally,
            int planned, long nanos) {
        Map<String, Integer> acquired = awaitAcquired(router);
        Map<String, Long> rightAfter = connectionsOnServers(user).block(SETTLE_LIMIT);
        Map<String, Long> onServers = awaitWithinPools(user);
        StepVerifier.create(router.close()).expectComplete().verify(SETTLE_LIMIT);
        Map<String, Long> afterClose = awaitNoConnectionOnServers(user);

        System.out.printf("CancelSoakIT %s: %d of %d operations in %.1fs (seed %d, %d in flight): %s%n", run,
                tally.finished(), planned, nanos / 1e9, SEED, IN_FLIGHT, tally);
        System.out.printf("CancelSoakIT %s: acquired after the run %s (leaked %d); %s connections on the servers"
                        + " right after the run %s, once the servers dropped what a stalled driver left %s, limit %d"
                        + " per pool + %d per replica monitor; after router.close() %s%n", run, acquired,
                acquired.values().stream().mapToInt(Integer::intValue).sum(), user, rightAfter, onServers,
                POOL_SIZE, MONITOR_CONNECTIONS, afterClose);

        assertSoftly(softly -> {
            softly.assertThat(tally.finished()).as("operations finished within %s", RUN_LIMIT).isEqualTo(planned);
            softly.assertThat(acquired).as("acquired connections per pool %s after the run", SETTLE_LIMIT)
                    .containsOnly(entry("primary", 0), entry("replica-1", 0), entry("replica-2", 0));
            softly.assertThat(onServers.get("primary")).as("%s connections on the primary", user)
                    .isLessThanOrEqualTo(POOL_SIZE);
            softly.assertThat(onServers.get("replica-1")).as("%s connections on replica-1", user)
                    .isLessThanOrEqualTo(POOL_SIZE + MONITOR_CONNECTIONS);
            softly.assertThat(onServers.get("replica-2")).as("%s connections on replica-2", user)
                    .isLessThanOrEqualTo(POOL_SIZE + MONITOR_CONNECTIONS);
            softly.assertThat(afterClose).as("%s connections on the servers %s after router.close()", user,
                    SERVER_SETTLE_LIMIT).containsOnly(entry("primary", 0L), entry("replica-1", 0L), entry("replica-2", 0L));
            // An operation whose connection the driver stalled fails ("Request queue was disposed") once the server
            // drops that connection; everything else must succeed.
            softly.assertThat(tally.failedCount()).as("failed operations, for example %s", tally.failures())
                    .isLessThanOrEqualTo(MAX_STALLED_OPERATIONS);
        });
    }

    /**
     * @return the acquired count of each pool once all are 0, or as they are after {@link #SETTLE_LIMIT}
     */
    private static Map<String, Integer> awaitAcquired(RoutingConnectionFactory router) {
        return Flux.interval(Duration.ZERO, Duration.ofMillis(20))
                .map(tick -> acquired(router))
                .takeUntil(counts -> counts.values().stream().allMatch(count -> count == 0))
                .take(SETTLE_LIMIT)
                .blockLast();
    }

    private static Map<String, Integer> acquired(RoutingConnectionFactory router) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("primary", Routers.acquired(router.unwrap()));
        for (String replica : List.of("replica-1", "replica-2")) {
            counts.put(replica, Routers.acquired(router.replicaConnectionFactory(replica)));
        }
        return counts;
    }

    /**
     * @return the connections of {@code user} on each server once there are none, or as they are after
     *         {@link #SERVER_SETTLE_LIMIT}
     */
    private static Map<String, Long> awaitNoConnectionOnServers(String user) {
        return Flux.interval(Duration.ZERO, Duration.ofMillis(100))
                .onBackpressureDrop()
                .concatMap(tick -> connectionsOnServers(user))
                .takeUntil(counts -> counts.values().stream().allMatch(count -> count == 0))
                .take(SERVER_SETTLE_LIMIT)
                .blockLast();
    }

    /**
     * @return the number of connections of {@code user} on each server, counted by the admin user
     */
    /**
     * A connection whose driver stalled was given up by its pool but stays open on its server until the server's
     * timeouts drop it; the pool may open another one meanwhile.
     *
     * @return the connections of {@code user} on each server once they are within the pools' and monitors' limits,
     *         or as they are after {@link #SERVER_SETTLE_LIMIT}
     */
    private static Map<String, Long> awaitWithinPools(String user) {
        return Flux.interval(Duration.ZERO, Duration.ofMillis(100))
                .onBackpressureDrop()
                .concatMap(tick -> connectionsOnServers(user))
                .takeUntil(counts -> counts.get("primary") <= POOL_SIZE
                        && counts.get("replica-1") <= POOL_SIZE + MONITOR_CONNECTIONS
                        && counts.get("replica-2") <= POOL_SIZE + MONITOR_CONNECTIONS)
                .take(SERVER_SETTLE_LIMIT)
                .blockLast();
    }

    private static Mono<Map<String, Long>> connectionsOnServers(String user) {
        return Flux.concat(Flux.just(cluster.primary()), Flux.fromIterable(cluster.replicas()))
                .concatMap(server -> Sql.queryOne(server.adminConnectionFactory(),
                                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = ?", Long.class, user)
                        .map(count -> Map.entry(server.name(), count)))
                .collect(LinkedHashMap::new, (counts, entry) -> counts.put(entry.getKey(), entry.getValue()));
    }
}
