package io.github.r2dbcrouting.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Builds routers over the real test bed and asks the servers where statements ran.
 */
public final class Routers {

    private Routers() {
    }

    public static RoutingConnectionFactory router(MariaDbCluster cluster,
            UnaryOperator<RoutingConfiguration.Builder> settings) {
        return new RoutingConnectionFactory(settings.apply(RoutingConfiguration.builder()
                        .primary(cluster.primary().options())
                        .replica("replica-1", cluster.replica(1).options())
                        .replica("replica-2", cluster.replica(2).options())
                        .pool(pool -> pool.initialSize(0).maxSize(10).maxAcquireTime(Duration.ofSeconds(5))))
                .build());
    }

    /**
     * @return a router over the cluster's primary and two replicas with the pools it builds by default, as a user
     * who sets nothing about pools has them, and {@code settings}
     */
    public static RoutingConnectionFactory withDefaultPools(MariaDbCluster cluster,
            UnaryOperator<RoutingConfiguration.Builder> settings) {
        return new RoutingConnectionFactory(settings.apply(RoutingConfiguration.builder()
                        .primary(cluster.primary().options())
                        .replica("replica-1", cluster.replica(1).options())
                        .replica("replica-2", cluster.replica(2).options()))
                .build());
    }

    /**
     * @return the {@code @@server_id} of the server a connection of {@code factory} talks to, in the caller's
     * Context
     */
    public static Mono<Integer> serverId(ConnectionFactory factory) {
        return Mono.usingWhen(factory.create(), Routers::serverId, Connection::close);
    }

    public static Mono<Integer> serverId(Connection connection) {
        return Flux.from(connection.createStatement("SELECT @@server_id").execute())
                .concatMap(result -> result.map(row -> Integer.parseInt(String.valueOf(row.get(0)))))
                .single();
    }

    public static int acquired(ConnectionFactory factory) {
        return ((ConnectionPool) factory).getMetrics().orElseThrow().acquiredSize();
    }

    public static boolean everyPoolIdle(RoutingConnectionFactory router) {
        return acquired(router.unwrap()) == 0 && router.replicas().stream()
                .allMatch(replica -> acquired(router.replicaConnectionFactory(replica.name())) == 0);
    }

    /**
     * Wait until {@code condition} holds, checking every 20ms, for at most {@code limit}.
     *
     * @throws AssertionError with {@code what} if it does not hold in time
     */
    public static void await(String what, Duration limit, BooleanSupplier condition) {
        Boolean held = Flux.interval(Duration.ZERO, Duration.ofMillis(20))
                .map(tick -> condition.getAsBoolean())
                .filter(Boolean::booleanValue)
                .next()
                .timeout(limit, Mono.just(false))
                .block();
        if (!Boolean.TRUE.equals(held)) {
            throw new AssertionError("Timed out after " + limit + " waiting until " + what);
        }
    }
}
