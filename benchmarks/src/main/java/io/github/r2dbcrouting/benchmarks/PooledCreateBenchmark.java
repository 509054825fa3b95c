package io.github.r2dbcrouting.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.benchmarks.support.Contenders;
import io.github.r2dbcrouting.benchmarks.support.Pools;
import io.github.r2dbcrouting.benchmarks.support.StubConnection;
import io.github.r2dbcrouting.benchmarks.support.Subscribers;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * {@code create()} + {@code close()} through r2dbc-pool {@link ConnectionPool}s over the in-memory stub: the
 * pool's acquire and release plus what each contender adds, still without I/O. The router's background
 * replication monitor is off: a stub cannot answer it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PooledCreateBenchmark {

    private final List<ConnectionPool> pools = new ArrayList<>();

    private Contenders contenders;

    @Setup
    public void setUp() {
        ConnectionPool primary = Pools.overStub("primary");
        List<ConnectionPool> replicas = List.of(Pools.overStub("replica-1"), Pools.overStub("replica-2"));
        this.pools.add(primary);
        this.pools.addAll(replicas);
        this.contenders = Contenders.over(primary, replicas, false);
        this.contenders.requireReplicaRoutes(connection -> Mono.just(StubConnection.originOf(connection)), "primary");
    }

    @TearDown
    public void tearDown() {
        this.contenders.close();
        Pools.closeAll(this.pools);
    }

    @Benchmark
    public Connection direct(Subscribers subscribers) {
        return subscribers.createClose.run(this.contenders.direct, this.contenders.directContext);
    }

    @Benchmark
    public Connection router(Subscribers subscribers) {
        return subscribers.createClose.run(this.contenders.router, this.contenders.routerContext);
    }

    @Benchmark
    public Connection spring(Subscribers subscribers) {
        return subscribers.createClose.run(this.contenders.spring, this.contenders.springContext);
    }
}
