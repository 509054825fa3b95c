package io.github.r2dbcrouting;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.bench.Pools;
import io.r2dbc.pool.ConnectionPool;
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
import reactor.core.publisher.Mono;

/**
 * The cost of one {@link ReplicaSelector#select(List)} by strategy, with {@code replicas} replicas, over the same
 * unmodifiable list the router passes. Each replica is an r2dbc-pool over the stub with one connection held, so
 * that every {@link Replica#inUse()} reads real pool metrics and reports 1: least-in-use finds no idle replica
 * and scans them all, its worst case. Weights are 1, 2, 3, 1, 2, 3, ...
 * <p>
 * In package {@code io.github.r2dbcrouting} because {@link Replica}'s constructor is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ReplicaSelectorBenchmark {

    @Param({"round-robin", "random", "weighted", "least-in-use"})
    public String strategy;

    @Param({"2", "16"})
    public int replicas;

    private final List<ConnectionPool> pools = new ArrayList<>();

    private final List<Connection> held = new ArrayList<>();

    private List<Replica> candidates;

    private ReplicaSelector selector;

    @Setup
    public void setUp() {
        List<Replica> list = new ArrayList<>();
        for (int i = 0; i < this.replicas; i++) {
            String name = "replica-" + (i + 1);
            ConnectionPool pool = Pools.overStub(name);
            this.pools.add(pool);
            this.held.add(Mono.from(pool.create()).block());
            list.add(new Replica(name, pool, 1 + i % 3));
        }
        this.candidates = Collections.unmodifiableList(list);
        this.selector = ReplicaSelector.named(this.strategy);
        if (this.candidates.get(0).inUse() != 1) {
            throw new IllegalStateException("Expected each replica's pool to report 1 connection in use");
        }
    }

    @TearDown
    public void tearDown() {
        for (Connection connection : this.held) {
            Mono.from(connection.close()).block();
        }
        Pools.closeAll(this.pools);
    }

    @Benchmark
    public Replica select() {
        return this.selector.select(this.candidates);
    }
}
