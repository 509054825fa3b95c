package io.github.r2dbcrouting.benchmarks;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.benchmarks.support.Contenders;
import io.github.r2dbcrouting.benchmarks.support.MariaDb;
import io.github.r2dbcrouting.benchmarks.support.RowsTable;
import io.github.r2dbcrouting.benchmarks.support.Subscribers;
import io.github.r2dbcrouting.benchmarks.support.Work;
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

/**
 * A primary-key {@code SELECT} of one random row of a {@code rows}-row table on a replica of a real MariaDB. The
 * table is made on the primary and replicated to both replicas during setup, before anything is measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MariaDbPrimaryKeyBenchmark {

    @Param("100000")
    public int rows;

    private MariaDb mariaDb;

    private Contenders contenders;

    private RowsTable table;

    @Setup
    public void setUp() {
        this.mariaDb = MariaDb.open();
        this.table = RowsTable.ensure(this.mariaDb.env, this.rows);
        this.contenders = this.mariaDb.contenders();
    }

    @TearDown
    public void tearDown() {
        this.mariaDb.close();
    }

    @Benchmark
    public Object direct(Subscribers subscribers) {
        return subscribers.drain.run(Work.selectById(this.contenders.direct, this.table, nextId()),
                this.contenders.directContext);
    }

    @Benchmark
    public Object router(Subscribers subscribers) {
        return subscribers.drain.run(Work.selectById(this.contenders.router, this.table, nextId()),
                this.contenders.routerContext);
    }

    @Benchmark
    public Object spring(Subscribers subscribers) {
        return subscribers.drain.run(Work.selectById(this.contenders.spring, this.table, nextId()),
                this.contenders.springContext);
    }

    private int nextId() {
        return ThreadLocalRandom.current().nextInt(1, this.rows + 1);
    }
}
