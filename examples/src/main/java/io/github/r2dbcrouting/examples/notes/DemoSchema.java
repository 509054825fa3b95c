package io.github.r2dbcrouting.examples.notes;

import java.time.Duration;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Creates the {@code note} table on the primary before the application takes requests. Real replicas get it through
 * replication; in the embedded mode each replica database gets a read-only linked table onto the primary's.
 */
@Component
public class DemoSchema implements SmartInitializingSingleton {

    private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS note "
            + "(id BIGINT AUTO_INCREMENT PRIMARY KEY, text VARCHAR(500) NOT NULL)";

    private final RoutingConnectionFactory router;

    private final DemoProperties properties;

    DemoSchema(RoutingConnectionFactory router, DemoProperties properties) {
        this.router = router;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Mono<Void> schema = execute(this.router.unwrap(), CREATE_TABLE);
        String h2Primary = this.properties.h2Primary();
        if (h2Primary != null && !h2Primary.isBlank()) {
            String link = "CREATE LINKED TABLE IF NOT EXISTS note('org.h2.Driver', '" + h2Primary
                    + "', 'sa', '', 'NOTE') READONLY";
            schema = schema.thenMany(Flux.fromIterable(this.router.replicas())
                    .map(replica -> this.router.replicaConnectionFactory(replica.name()))
                    .concatMap(replica -> execute(replica, link)))
                    .then();
        }
        // Startup may wait here: the application must not take requests before its table exists.
        schema.block(Duration.ofSeconds(30));
    }

    private static Mono<Void> execute(ConnectionFactory target, String sql) {
        return Mono.usingWhen(target.create(),
                connection -> Flux.from(connection.createStatement(sql).execute())
                        .flatMap(result -> result.getRowsUpdated())
                        .then(),
                Connection::close);
    }
}
