package io.github.r2dbcrouting.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.benchmarks.support.Contenders;
import io.github.r2dbcrouting.benchmarks.support.MariaDb;
import io.github.r2dbcrouting.benchmarks.support.Subscribers;
import io.github.r2dbcrouting.benchmarks.support.Work;
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
 * {@code SELECT 1} on a replica of a real MariaDB, one at a time: take a pooled connection, run the statement, read
 * the row, close. One network round trip per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MariaDbSelectOneBenchmark {

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
    public Object direct(Subscribers subscribers) {
        return subscribers.drain.run(Work.selectOne(this.contenders.direct), this.contenders.directContext);
    }

    @Benchmark
    public Object router(Subscribers subscribers) {
        return subscribers.drain.run(Work.selectOne(this.contenders.router), this.contenders.routerContext);
    }

    @Benchmark
    public Object spring(Subscribers subscribers) {
        return subscribers.drain.run(Work.selectOne(this.contenders.spring), this.contenders.springContext);
    }
}
