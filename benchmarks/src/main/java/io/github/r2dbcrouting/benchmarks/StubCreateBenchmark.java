package io.github.r2dbcrouting.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.benchmarks.support.Contenders;
import io.github.r2dbcrouting.benchmarks.support.StubConnection;
import io.github.r2dbcrouting.benchmarks.support.StubConnectionFactory;
import io.github.r2dbcrouting.benchmarks.support.Subscribers;
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
 * Pure routing: {@code create()} + {@code close()} on an in-memory stub with no pool and no I/O, so all that is
 * measured is what each contender adds to obtaining a connection. The stub's {@code create()} is a cached
 * {@code Mono.just}; the router and Spring's have a primary and two stub replicas and route to a replica. The
 * router's background replication monitor is off: a stub cannot answer it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class StubCreateBenchmark {

    private Contenders contenders;

    @Setup
    public void setUp() {
        this.contenders = Contenders.over(StubConnectionFactory.shared("primary"),
                List.of(StubConnectionFactory.shared("replica-1"), StubConnectionFactory.shared("replica-2")), false);
        this.contenders.requireReplicaRoutes(connection -> Mono.just(StubConnection.originOf(connection)), "primary");
    }

    @TearDown
    public void tearDown() {
        this.contenders.close();
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
