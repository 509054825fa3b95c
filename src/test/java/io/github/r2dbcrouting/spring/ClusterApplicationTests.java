package io.github.r2dbcrouting.spring;

import java.time.Duration;
import java.util.function.Supplier;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.it.Routers;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.MariaDbServer;
import io.github.r2dbcrouting.testbed.Sql;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

/**
 * Starts {@link RoutingTestApplication} on a random port, configured only by {@code spring.r2dbc.routing.*}
 * properties that point at the JVM's {@link MariaDbCluster}, with its tables created on the primary and replicated.
 * Subclasses with the same configuration share one application context.
 */
@ExtendWith(MariaDbCluster.class)
@SpringBootTest(classes = RoutingTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class ClusterApplicationTests {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static @Nullable MariaDbCluster cluster;

    @LocalServerPort
    int port;

    @Autowired
    RoutingConnectionFactory router;

    @BeforeAll
    static void createSchema(MariaDbCluster started) {
        cluster = started;
        ConnectionFactory admin = started.primary().adminConnectionFactory();
        Sql.execute(admin, "CREATE TABLE IF NOT EXISTS spring_note "
                        + "(id BIGINT AUTO_INCREMENT PRIMARY KEY, text VARCHAR(200) NOT NULL)")
                .then(Sql.execute(admin, "CREATE FUNCTION IF NOT EXISTS spring_server_id() RETURNS INT "
                        + "NOT DETERMINISTIC NO SQL RETURN @@server_id"))
                .then(Sql.execute(admin, "CREATE OR REPLACE VIEW spring_served_note AS "
                        + "SELECT id, text, spring_server_id() AS served_by FROM spring_note"))
                .then(started.awaitReplication())
                .as(StepVerifier::create)
                .expectComplete()
                .verify(TIMEOUT);
    }

    /**
     * Other test classes stop replication or delay it on the shared cluster; this application's monitor must have
     * seen both replicas back before a test expects reads on them.
     */
    @BeforeEach
    void replicasAreUp() {
        Routers.await("both replicas are UP for the application", TIMEOUT,
                () -> this.router.replicas().stream().allMatch(replica -> replica.state() == ReplicaState.UP));
    }

    @DynamicPropertySource
    static void routingProperties(DynamicPropertyRegistry registry) {
        String prefix = "spring.r2dbc.routing.";
        target(registry, prefix + "primary.", () -> cluster().primary());
        for (int index = 1; index <= 2; index++) {
            int replica = index;
            String replicaPrefix = prefix + "replicas[" + (index - 1) + "].";
            registry.add(replicaPrefix + "name", () -> cluster().replica(replica).name());
            target(registry, replicaPrefix, () -> cluster().replica(replica));
        }
        registry.add(prefix + "pool.initial-size", () -> 1);
        registry.add(prefix + "pool.max-size", () -> 8);
    }

    private static void target(DynamicPropertyRegistry registry, String prefix,
            Supplier<MariaDbServer> server) {
        registry.add(prefix + "url", () -> "r2dbc:mysql://127.0.0.1:" + server.get().port() + "/"
                + server.get().options().getRequiredValue(ConnectionFactoryOptions.DATABASE));
        registry.add(prefix + "username",
                () -> server.get().options().getRequiredValue(ConnectionFactoryOptions.USER));
        registry.add(prefix + "password",
                () -> server.get().options().getRequiredValue(ConnectionFactoryOptions.PASSWORD).toString());
    }

    static MariaDbCluster cluster() {
        MariaDbCluster started = cluster;
        if (started == null) {
            throw new IllegalStateException("The MariaDB cluster is not started: the @BeforeAll of "
                    + "ClusterApplicationTests did not run");
        }
        return started;
    }

    WebTestClient client() {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + this.port)
                .responseTimeout(TIMEOUT)
                .build();
    }
}
