package io.github.r2dbcrouting.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.RoutingListener;
import io.github.r2dbcrouting.benchmarks.support.StubConnection;
import io.github.r2dbcrouting.benchmarks.support.StubConnectionFactory;
import io.github.r2dbcrouting.benchmarks.support.Subscribers;
import io.github.r2dbcrouting.micrometer.RoutingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import reactor.util.context.Context;

/**
 * What a {@link RoutingListener} costs a replica-routed {@code create()} + {@code close()} on the in-memory stub of
 * {@link StubCreateBenchmark} (primary and two replicas, no pool, no I/O, no monitor), where nothing hides it:
 * <ul>
 * <li>{@code noListener}: the router as built by default, which checks one field per {@code create()};</li>
 * <li>{@code noOpListener}: a listener whose methods are the interface's empty defaults, which costs the
 * acquisition subscriber, its Context entry and two clock reads;</li>
 * <li>{@code metrics}: {@link RoutingMetrics} on a {@code SimpleMeterRegistry}, a counter and a timer per
 * connection.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RoutingListenerBenchmark {

    private final Context replicaContext = Routing.withReplica().apply(Context.empty());

    private RoutingConnectionFactory noListener;

    private RoutingConnectionFactory noOpListener;

    private RoutingConnectionFactory metrics;

    @Setup
    public void setUp() {
        this.noListener = router(null);
        this.noOpListener = router(new RoutingListener() {
        });
        this.metrics = router(new RoutingMetrics(new SimpleMeterRegistry()));
        for (RoutingConnectionFactory router : new RoutingConnectionFactory[] {this.noListener, this.noOpListener,
                this.metrics}) {
            String origin = Mono.usingWhen(router.create(), c -> Mono.just(StubConnection.originOf(c)),
                    Connection::close).contextWrite(this.replicaContext).block();
            if (origin == null || !origin.startsWith("replica-")) {
                throw new IllegalStateException("Expected a replica connection, got one from " + origin);
            }
        }
    }

    private static RoutingConnectionFactory router(RoutingListener listener) {
        RoutingConfiguration.Builder builder = RoutingConfiguration.builder()
                .primary(StubConnectionFactory.shared("primary"))
                .replica("replica-1", StubConnectionFactory.shared("replica-1"))
                .replica("replica-2", StubConnectionFactory.shared("replica-2"))
                .monitoring(false);
        if (listener != null) {
            builder.listener(listener);
        }
        return new RoutingConnectionFactory(builder.build());
    }

    @TearDown
    public void tearDown() {
        this.noListener.dispose();
        this.noOpListener.dispose();
        this.metrics.dispose();
    }

    @Benchmark
    public Connection noListener(Subscribers subscribers) {
        return subscribers.createClose.run(this.noListener, this.replicaContext);
    }

    @Benchmark
    public Connection noOpListener(Subscribers subscribers) {
        return subscribers.createClose.run(this.noOpListener, this.replicaContext);
    }

    @Benchmark
    public Connection metrics(Subscribers subscribers) {
        return subscribers.createClose.run(this.metrics, this.replicaContext);
    }
}
