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
 * <p>
 * Three more benchmarks take apart what the router adds here. The router is subscribed with a Context that holds its
 * route, {@code direct} with an empty one, and the pool's operators read the Context too (for their discard hook,
 * among others): {@code directInRouterContext} is {@code direct} subscribed with the router's Context. The router
 * takes the two replica pools in turn, {@code direct} always the first: {@code directBothPools} takes the two
 * replica pools in turn without a router, and {@code routerOneReplica} is a router whose only replica is
 * {@code direct}'s pool.
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

    private Contenders oneReplica;

    private ConnectionPool[] replicaPools;

    private int turn;

    @Setup
    public void setUp() {
        ConnectionPool primary = Pools.overStub("primary");
        List<ConnectionPool> replicas = List.of(Pools.overStub("replica-1"), Pools.overStub("replica-2"));
        this.pools.add(primary);
        this.pools.addAll(replicas);
        this.contenders = Contenders.over(primary, replicas, false);
        this.contenders.requireReplicaRoutes(connection -> Mono.just(StubConnection.originOf(connection)), "primary");
        this.oneReplica = Contenders.over(primary, replicas.subList(0, 1), false);
        this.oneReplica.requireReplicaRoutes(connection -> Mono.just(StubConnection.originOf(connection)), "primary");
        this.replicaPools = replicas.toArray(new ConnectionPool[0]);
    }

    @TearDown
    public void tearDown() {
        this.contenders.close();
        this.oneReplica.close();
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
    public Connection directInRouterContext(Subscribers subscribers) {
        return subscribers.createClose.run(this.contenders.direct, this.contenders.routerContext);
    }

    @Benchmark
    public Connection directBothPools(Subscribers subscribers) {
        ConnectionPool pool = this.replicaPools[this.turn++ & 1];
        return subscribers.createClose.run(pool, this.contenders.directContext);
    }

    @Benchmark
    public Connection routerOneReplica(Subscribers subscribers) {
        return subscribers.createClose.run(this.oneReplica.router, this.oneReplica.routerContext);
    }

    @Benchmark
    public Connection spring(Subscribers subscribers) {
        return subscribers.createClose.run(this.contenders.spring, this.contenders.springContext);
    }
}
