package io.github.r2dbcrouting.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.benchmarks.support.Contenders;
import io.github.r2dbcrouting.benchmarks.support.MariaDb;
import io.github.r2dbcrouting.benchmarks.support.Subscribers;
import io.github.r2dbcrouting.benchmarks.support.Work;
import io.r2dbc.spi.ConnectionFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;

/**
 * {@code SELECT 1} on the replicas of a real MariaDB with {@code inFlight} units of work in flight at once: each
 * invocation runs {@value #OPERATIONS} of them through {@code Flux.flatMap(..., inFlight)}, and the score is per
 * unit of work. Pools allow 64 connections per target, so no subscriber waits for one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MariaDbConcurrencyBenchmark {

    static final int OPERATIONS = 256;

    @Param({"1", "8", "64"})
    public int inFlight;

    private MariaDb mariaDb;

    private Contenders contenders;

    @Setup
    public void setUp() {
        this.mariaDb = MariaDb.open();
        this.contenders = this.mariaDb.contenders();
    }

    @TearDown
    public void tearDown() {
        this.mariaDb.close();
    }

    @Benchmark
    @OperationsPerInvocation(OPERATIONS)
    public Object direct(Subscribers subscribers) {
        return subscribers.drain.run(selectOnes(this.contenders.direct), this.contenders.directContext);
    }

    @Benchmark
    @OperationsPerInvocation(OPERATIONS)
    public Object router(Subscribers subscribers) {
        return subscribers.drain.run(selectOnes(this.contenders.router), this.contenders.routerContext);
    }

    @Benchmark
    @OperationsPerInvocation(OPERATIONS)
    public Object spring(Subscribers subscribers) {
        return subscribers.drain.run(selectOnes(this.contenders.spring), this.contenders.springContext);
    }

    private Flux<Object> selectOnes(ConnectionFactory factory) {
        return Flux.range(0, OPERATIONS).flatMap(i -> Work.selectOne(factory), this.inFlight);
    }
}
