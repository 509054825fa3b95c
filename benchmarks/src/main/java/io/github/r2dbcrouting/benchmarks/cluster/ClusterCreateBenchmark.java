package io.github.r2dbcrouting.benchmarks.cluster;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.benchmarks.support.ClusterRouters;
import io.github.r2dbcrouting.benchmarks.support.StubConnection;
import io.github.r2dbcrouting.benchmarks.support.Subscribers;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
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
import reactor.util.context.Context;

/**
 * What clusters cost {@code create()} + {@code close()}, on the in-memory stub (no pool, no I/O), replica route, in
 * nanoseconds per operation:
 * <ul>
 * <li>{@code withoutRegistry}: a router that has no cluster registry at all, as every router was before clusters
 * (a router built as one cluster of another, through its package-private constructor): today's {@code create()};</li>
 * <li>{@code defaultCluster}: a router with {@code clusters} static clusters registered, used without a cluster key:
 * what an existing application pays once the router reads the second Context key;</li>
 * <li>{@code namedCluster}: the same router under {@code Routing.withCluster(name)}: choosing one of
 * {@code clusters} static clusters.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ClusterCreateBenchmark {

    @Param({"1", "1000"})
    public int clusters;

    private RoutingConnectionFactory withoutRegistry;

    private RoutingConnectionFactory registered;

    private final Context defaultContext = Routing.withReplica().apply(Context.empty());

    private Context namedContext;

    @Setup
    public void setUp() {
        RoutingConfiguration configuration = ClusterRouters.configuration(this.clusters);
        this.registered = new RoutingConnectionFactory(configuration);
        this.withoutRegistry = ClusterRouters.withoutRegistry(configuration);
        String chosen = "cluster-" + (this.clusters / 2);
        this.namedContext = Routing.withCluster(chosen).apply(this.defaultContext);
        require(this.withoutRegistry, this.defaultContext, "replica-");
        require(this.registered, this.defaultContext, "replica-");
        require(this.registered, this.namedContext, chosen + "-replica");
    }

    private static void require(ConnectionFactory factory, Context context, String origin) {
        String actual = Mono.usingWhen(factory.create(), connection -> Mono.just(StubConnection.originOf(connection)),
                Connection::close).contextWrite(context).block(Duration.ofSeconds(10));
        if (actual == null || !actual.startsWith(origin)) {
            throw new IllegalStateException("Expected a connection of " + origin + "*, got one of " + actual);
        }
    }

    @TearDown
    public void tearDown() {
        this.registered.dispose();
        this.withoutRegistry.dispose();
    }

    @Benchmark
    public Connection withoutRegistry(Subscribers subscribers) {
        return subscribers.createClose.run(this.withoutRegistry, this.defaultContext);
    }

    @Benchmark
    public Connection defaultCluster(Subscribers subscribers) {
        return subscribers.createClose.run(this.registered, this.defaultContext);
    }

    @Benchmark
    public Connection namedCluster(Subscribers subscribers) {
        return subscribers.createClose.run(this.registered, this.namedContext);
    }
}
