package io.github.r2dbcrouting.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.benchmarks.support.Contenders;
import io.github.r2dbcrouting.benchmarks.support.MariaDb;
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

/**
 * {@code create()} + {@code close()} through r2dbc-pool over {@code r2dbc-mysql} against a real MariaDB replica: the
 * pool hands out an open connection (validated locally) and takes it back. No SQL is sent, but r2dbc-mysql's
 * {@code Lifecycle.preRelease()} (a rollback that finds no transaction) completes on the connection's Netty event
 * loop, so every operation ends with the benchmark thread being woken by another thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MariaDbCreateBenchmark {

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
