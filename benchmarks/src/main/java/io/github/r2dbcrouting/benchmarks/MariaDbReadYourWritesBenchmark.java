package io.github.r2dbcrouting.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.RoutingSession;
import io.github.r2dbcrouting.benchmarks.support.MariaDb;
import io.github.r2dbcrouting.benchmarks.support.RowsTable;
import io.github.r2dbcrouting.benchmarks.support.Subscribers;
import io.github.r2dbcrouting.benchmarks.support.Work;
import io.github.r2dbcrouting.dialect.ReplicationDialect;
import io.github.r2dbcrouting.replica.Replica;
import io.r2dbc.spi.Connection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * What read-your-writes costs a replica read on a real MariaDB: the same primary-key {@code SELECT} through the
 * router, in three Contexts.
 * <ul>
 * <li>{@code plainReplicaRead}: {@code withReplica()} alone;</li>
 * <li>{@code readAfterOwnWrite}: also in the session of a write that the replica is known (by its monitor) to have
 * applied: the router checks the position in memory and reads there, without waiting;</li>
 * <li>{@code readAfterOwnWriteWaiting}: in a new session resumed at that write each time, as after a token from
 * another request, through a router without monitoring: it does not know that the replica caught up, so it asks
 * with {@code MASTER_GTID_WAIT}, which returns at once, and then reads there.</li>
 * </ul>
 * The router has the primary and replica 1 only, so every read goes to the same server.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MariaDbReadYourWritesBenchmark {

    private static final Duration CAUGHT_UP_LIMIT = Duration.ofSeconds(30);

    @Param("100000")
    public int rows;

    private MariaDb mariaDb;

    private RoutingConnectionFactory router;

    private RoutingConnectionFactory unmonitored;

    private RowsTable table;

    private String position;

    private Instant writeTime;

    private Context plain;

    private Context afterOwnWrite;

    @Setup
    public void setUp() {
        this.mariaDb = MariaDb.open();
        this.table = RowsTable.ensure(this.mariaDb.env, this.rows);
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(this.mariaDb.primary)
                .replica("replica-1", this.mariaDb.replicas.get(0))
                .monitorInterval(Duration.ofMillis(200))
                .build());
        this.unmonitored = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(this.mariaDb.primary)
                .replica("replica-1", this.mariaDb.replicas.get(0))
                .monitoring(false)
                .dialect(ReplicationDialect.mariaDb())
                .build());
        RoutingSession session = new RoutingSession();
        write().contextWrite(Routing.withSession(session)).block(CAUGHT_UP_LIMIT);
        this.position = session.lastWritePosition();
        this.writeTime = session.lastWriteTime();
        if (this.position == null || this.writeTime == null) {
            throw new IllegalStateException("The write recorded no GTID position: is GTID replication on?");
        }
        awaitMonitorSees(this.router.replicas().get(0), this.position);
        this.plain = Routing.withReplica().apply(Context.empty());
        this.afterOwnWrite = Routing.withReplica().apply(Routing.withSession(session).apply(Context.empty()));
    }

    private Mono<Void> write() {
        return Mono.usingWhen(this.router.create(),
                connection -> Flux.from(connection.createStatement("CREATE TABLE IF NOT EXISTS ryw_benchmark "
                                        + "(id INT PRIMARY KEY, written BIGINT NOT NULL)").execute())
                        .concatMap(result -> result.getRowsUpdated())
                        .thenMany(Flux.from(connection.createStatement("REPLACE INTO ryw_benchmark VALUES (1, ?)")
                                .bind(0, System.nanoTime())
                                .execute()))
                        .concatMap(result -> result.getRowsUpdated())
                        .then(),
                Connection::close);
    }

    private static void awaitMonitorSees(Replica replica, String position) {
        long deadline = System.nanoTime() + CAUGHT_UP_LIMIT.toNanos();
        while (replica.position() == null || !ReplicationDialect.mariaDb().covers(replica.position(), position)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(replica.name() + " did not apply " + position + " within "
                        + CAUGHT_UP_LIMIT + "; its state: " + replica.state() + ", " + replica.reason());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @TearDown
    public void tearDown() {
        this.router.close().block();
        this.unmonitored.close().block();
        this.mariaDb.close();
    }

    @Benchmark
    public Object plainReplicaRead(Subscribers subscribers) {
        return subscribers.drain.run(Work.selectById(this.router, this.table, nextId()), this.plain);
    }

    @Benchmark
    public Object readAfterOwnWrite(Subscribers subscribers) {
        return subscribers.drain.run(Work.selectById(this.router, this.table, nextId()), this.afterOwnWrite);
    }

    @Benchmark
    public Object readAfterOwnWriteWaiting(Subscribers subscribers) {
        Context resumed = Routing.withReplica()
                .apply(Routing.withSession(RoutingSession.resume(this.position, this.writeTime))
                        .apply(Context.empty()));
        return subscribers.drain.run(Work.selectById(this.unmonitored, this.table, nextId()), resumed);
    }

    private int nextId() {
        return ThreadLocalRandom.current().nextInt(1, this.rows + 1);
    }
}
