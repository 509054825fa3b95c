package io.github.r2dbcrouting.benchmarks.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The three ways of obtaining a replica connection that every comparison measures, over the same targets:
 * <ul>
 * <li>{@code direct}: the first replica's factory itself, no routing at all;</li>
 * <li>{@code router}: a {@link RoutingConnectionFactory} over the primary and the replicas given (round-robin,
 * the default), subscribed with a Context made by {@link Routing#withReplica()};</li>
 * <li>{@code spring}: a {@link SpringContextRoutingConnectionFactory} over the same targets, subscribed with a
 * Context holding its key.</li>
 * </ul>
 * Each Context is built once, as a WebFilter builds it once per request; what each {@code create()} costs is what
 * is measured. The targets belong to the caller, who closes them; {@link #close()} stops the router's monitors.
 */
public final class Contenders implements AutoCloseable {

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    /** The replica's own factory. */
    public final ConnectionFactory direct;

    /** Our router. */
    public final RoutingConnectionFactory router;

    /** Spring's {@code AbstractRoutingConnectionFactory}, as it is usually subclassed. */
    public final SpringContextRoutingConnectionFactory spring;

    /** The Context {@link #direct} is subscribed with: empty. */
    public final Context directContext = Context.empty();

    /** The Context {@link #router} is subscribed with: a replica route. */
    public final Context routerContext = Routing.withReplica().apply(Context.empty());

    /** The Context {@link #spring} is subscribed with: Spring's key set to replica. */
    public final Context springContext = SpringContextRoutingConnectionFactory.replicaContext();

    private Contenders(ConnectionFactory primary, List<? extends ConnectionFactory> replicas, boolean monitoring) {
        this.direct = replicas.get(0);
        RoutingConfiguration.Builder builder = RoutingConfiguration.builder()
                .primary(primary)
                .monitoring(monitoring);
        for (int i = 0; i < replicas.size(); i++) {
            builder.replica("replica-" + (i + 1), replicas.get(i));
        }
        this.router = new RoutingConnectionFactory(builder.build());
        this.spring = new SpringContextRoutingConnectionFactory(primary, new ArrayList<>(replicas));
    }

    /**
     * @param primary the primary's factory
     * @param replicas the replicas' factories, at least one; {@code direct} is the first
     * @param monitoring whether the router watches replication in the background (its default); a stub cannot
     * answer the monitor's queries, so a router over stubs would mark every replica down and read from the primary
     * @return the contenders over these targets
     */
    public static Contenders over(ConnectionFactory primary, List<? extends ConnectionFactory> replicas,
            boolean monitoring) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("at least one replica is needed");
        }
        return new Contenders(primary, replicas, monitoring);
    }

    /**
     * Check, before measuring, that the router and Spring's really hand out replica connections: a benchmark of
     * a router that falls back to the primary would measure the wrong path.
     *
     * @param origin names the server or factory a connection belongs to
     * @param primaryOrigin the name {@code origin} gives the primary
     * @throws IllegalStateException if a replica-routed connection comes from the primary
     */
    public void requireReplicaRoutes(Function<Connection, Mono<String>> origin, String primaryOrigin) {
        for (int i = 0; i < 4; i++) {
            requireReplica("router", this.router, this.routerContext, origin, primaryOrigin);
            requireReplica("spring", this.spring, this.springContext, origin, primaryOrigin);
        }
    }

    private static void requireReplica(String name, ConnectionFactory factory, Context context,
            Function<Connection, Mono<String>> origin, String primaryOrigin) {
        String where = Mono.usingWhen(factory.create(), origin, Connection::close).contextWrite(context)
                .block(CHECK_TIMEOUT);
        if (primaryOrigin.equals(where)) {
            throw new IllegalStateException("The " + name + " contender handed out a primary connection for a "
                    + "replica route: the benchmark would not measure replica routing");
        }
    }

    @Override
    public void close() {
        this.router.close().block(CHECK_TIMEOUT);
    }
}
