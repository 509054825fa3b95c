package io.github.r2dbcrouting.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.benchmarks.support.CreateClose;
import io.github.r2dbcrouting.benchmarks.support.StubConnection;
import io.github.r2dbcrouting.benchmarks.support.StubConnectionFactory;
import io.github.r2dbcrouting.benchmarks.support.Subscribers;
import io.github.r2dbcrouting.replica.ReplicaSelector;
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
import reactor.util.context.Context;

/**
 * What the number of replicas costs a caller: the router's replica-routed {@code create()} + {@code close()} over
 * {@code replicas} in-memory stub replicas (no pool, no I/O, no replication monitor), by selection strategy. The
 * stubs are no pools, so least-in-use reads every replica as idle and stops at the first one it looks at; its full
 * scan is measured by {@link ReplicaSelectorBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ReplicaCountBenchmark {

    @Param({"round-robin", "random", "weighted", "least-in-use"})
    public String strategy;

    @Param({"2", "16"})
    public int replicas;

    private RoutingConnectionFactory router;

    private Context replicaRoute;

    @Setup
    public void setUp() {
        RoutingConfiguration.Builder builder = RoutingConfiguration.builder()
                .primary(StubConnectionFactory.shared("primary"))
                .replicaSelection(ReplicaSelector.named(this.strategy))
                .monitoring(false);
        for (int i = 0; i < this.replicas; i++) {
            String name = "replica-" + (i + 1);
            builder.replica(name, StubConnectionFactory.shared(name)).weight(name, 1 + i % 3);
        }
        this.router = new RoutingConnectionFactory(builder.build());
        this.replicaRoute = Routing.withReplica().apply(Context.empty());
        Connection connection = new CreateClose().run(this.router, this.replicaRoute);
        if (!StubConnection.originOf(connection).startsWith("replica-")) {
            throw new IllegalStateException("The router handed out a primary connection for a replica route");
        }
    }

    @TearDown
    public void tearDown() {
        this.router.dispose();
    }

    @Benchmark
    public Connection createClose(Subscribers subscribers) {
        return subscribers.createClose.run(this.router, this.replicaRoute);
    }
}
