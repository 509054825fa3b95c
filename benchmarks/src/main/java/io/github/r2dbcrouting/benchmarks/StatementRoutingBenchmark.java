package io.github.r2dbcrouting.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.StatementClassifier;
import io.github.r2dbcrouting.benchmarks.support.Contenders;
import io.github.r2dbcrouting.benchmarks.support.StubConnection;
import io.github.r2dbcrouting.benchmarks.support.StubConnectionFactory;
import io.github.r2dbcrouting.benchmarks.support.Subscribers;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Statement;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * What statement-aware routing costs, on the in-memory stub (no pool, no I/O), in one run:
 * <ul>
 * <li>{@code classify}: {@link StatementClassifier#needsPrimary(String)} alone, for a typical read, a long read, a
 * locking read and a write;</li>
 * <li>one unit of work ({@code create()}, one statement, {@code close()}) through the stub directly, through the
 * router without route (the primary's connection as it is), on the replica route, and on the auto route.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class StatementRoutingBenchmark {

    @Param({
            "SELECT id, name, email FROM users WHERE id = ?",
            "SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id "
                    + "WHERE o.status IN ('open', 'paid') AND o.created > ? ORDER BY o.created DESC LIMIT 20",
            "SELECT id, balance FROM accounts WHERE id = ? FOR UPDATE",
            "INSERT INTO orders (customer_id, total) VALUES (?, ?)"
    })
    public String sql;

    private Contenders contenders;

    private int parameters;

    private final Context none = Context.empty();

    private final Context replica = Routing.withReplica().apply(Context.empty());

    private final Context auto = Routing.withAutoRoute().apply(Context.empty());

    @Setup
    public void setUp() {
        this.parameters = (int) this.sql.chars().filter(c -> c == '?').count();
        this.contenders = Contenders.over(StubConnectionFactory.shared("primary"),
                List.of(StubConnectionFactory.shared("replica-1"), StubConnectionFactory.shared("replica-2")), false);
        this.contenders.requireReplicaRoutes(connection -> Mono.just(StubConnection.originOf(connection)), "primary");
    }

    @TearDown
    public void tearDown() {
        this.contenders.close();
    }

    private Mono<Object> oneStatement(ConnectionFactory factory) {
        return Mono.usingWhen(factory.create(), connection -> {
            Statement statement = connection.createStatement(this.sql);
            for (int index = 0; index < this.parameters; index++) {
                statement.bind(index, index);
            }
            return Flux.from(statement.execute()).then(Mono.just(this.sql));
        }, Connection::close);
    }

    @Benchmark
    public boolean classify() {
        return StatementClassifier.needsPrimary(this.sql);
    }

    @Benchmark
    public Object direct(Subscribers subscribers) {
        return subscribers.drain.run(oneStatement(this.contenders.direct), this.none);
    }

    @Benchmark
    public Object routerWithoutRoute(Subscribers subscribers) {
        return subscribers.drain.run(oneStatement(this.contenders.router), this.none);
    }

    @Benchmark
    public Object routerReplicaRoute(Subscribers subscribers) {
        return subscribers.drain.run(oneStatement(this.contenders.router), this.replica);
    }

    @Benchmark
    public Object routerAutoRoute(Subscribers subscribers) {
        return subscribers.drain.run(oneStatement(this.contenders.router), this.auto);
    }
}
