package io.github.r2dbcrouting.micrometer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Routers over in-memory H2 databases, one per target, with the pools the router builds, for unit tests of the
 * meters and observations.
 */
final class H2Routers {

    private static final AtomicInteger databases = new AtomicInteger();

    private H2Routers() {
    }

    /**
     * @return a router over a primary and replicas {@code replica-1} and {@code replica-2}, each a new in-memory H2
     * database with a pool of the router's, without monitoring
     */
    static RoutingConnectionFactory router(UnaryOperator<RoutingConfiguration.Builder> settings) {
        int id = databases.incrementAndGet();
        return new RoutingConnectionFactory(settings.apply(RoutingConfiguration.builder()
                        .monitoring(false)
                        .primary(url("primary", id))
                        .replica("replica-1", url("replica-1", id))
                        .replica("replica-2", url("replica-2", id))
                        // Patient pools: on a busy machine a replica that is slow to connect must not fail over.
                        .pool(pool -> pool.initialSize(0).maxSize(4)
                                .maxCreateConnectionTime(Duration.ofSeconds(30))
                                .maxAcquireTime(Duration.ofSeconds(30))))
                .build());
    }

    static String url(String target, int id) {
        return "r2dbc:h2:mem:///" + target + "-" + id + "?options=DB_CLOSE_DELAY=-1";
    }

    /**
     * @return a factory whose every connection fails, as a replica that refuses connections
     */
    static ConnectionFactory refusing() {
        return new ConnectionFactory() {
            @Override
            public Publisher<? extends Connection> create() {
                return Mono.error(new R2dbcNonTransientResourceException("Connection refused"));
            }

            @Override
            public ConnectionFactoryMetadata getMetadata() {
                return () -> "refusing";
            }
        };
    }

    /**
     * @return a connection of {@code router} in the caller's Context, closed at once
     */
    static Mono<Void> useOne(RoutingConnectionFactory router) {
        return Mono.usingWhen(router.create(), connection -> Mono.empty(), Connection::close);
    }
}
