package io.github.r2dbcrouting.benchmarks.replica;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.benchmarks.support.Pools;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaSelector;
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
 * The replicas are a router's own, from {@link RoutingConnectionFactory#replicas()}, so that the selector reads the
 * same objects it reads when routing.
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

    private RoutingConnectionFactory router;

    private List<Replica> candidates;

    private ReplicaSelector selector;

    @Setup
    public void setUp() {
        ConnectionPool primary = Pools.overStub("primary");
        this.pools.add(primary);
        RoutingConfiguration.Builder configuration = RoutingConfiguration.builder().primary(primary).monitoring(false);
        for (int i = 0; i < this.replicas; i++) {
            String name = "replica-" + (i + 1);
            ConnectionPool pool = Pools.overStub(name);
            this.pools.add(pool);
            this.held.add(Mono.from(pool.create()).block());
            configuration.replica(name, pool).weight(name, 1 + i % 3);
        }
        this.router = new RoutingConnectionFactory(configuration.build());
        this.candidates = this.router.replicas();
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
        this.router.dispose();
        Pools.closeAll(this.pools);
    }

    @Benchmark
    public Replica select() {
        return this.selector.select(this.candidates);
    }
}
