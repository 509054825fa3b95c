package io.github.r2dbcrouting.spring;

import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.r2dbcrouting.PrimaryUnavailableException;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.it.Routers;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.MariaDbServer;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/health} and {@code /actuator/routing} of an application on a cluster of its own, whose servers
 * this test kills: a replica killed leaves health UP and shows that replica DOWN; both replicas killed make it
 * DEGRADED, still HTTP 200; the primary killed makes it DOWN (HTTP 503) within two monitor intervals, although the
 * health request is a GET that the routing filter sends to a replica.
 */
final class HealthIT {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private static final Duration LIMIT = Duration.ofSeconds(30);

    private static final ObjectMapper json = new ObjectMapper();

    private static MariaDbCluster cluster;

    private static ConfigurableApplicationContext application;

    private static WebTestClient client;

    private static WebClient web;

    @BeforeAll
    static void startApplication() {
        cluster = MariaDbCluster.start();
        application = new SpringApplicationBuilder(RoutingTestApplication.class)
                .web(WebApplicationType.REACTIVE)
                .properties(properties(cluster))
                .run();
        String baseUrl = "http://127.0.0.1:" + application.getEnvironment().getProperty("local.server.port");
        client = WebTestClient.bindToServer().baseUrl(baseUrl).responseTimeout(LIMIT).build();
        web = WebClient.create(baseUrl);
    }

    @AfterAll
    static void stopApplication() {
        try {
            if (application != null) {
                application.close();
            }
        }
        finally {
            if (cluster != null) {
                cluster.stop();
            }
        }
    }

    static Map<String, Object> properties(MariaDbCluster cluster) {
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        properties.put("server.port", 0);
        properties.put("management.endpoints.web.exposure.include", "health,routing");
        properties.put("management.endpoint.health.show-details", "always");
        target(properties, "spring.r2dbc.routing.primary.", cluster.primary());
        for (int index = 1; index <= 2; index++) {
            String prefix = "spring.r2dbc.routing.replicas[" + (index - 1) + "].";
            properties.put(prefix + "name", cluster.replica(index).name());
            target(properties, prefix, cluster.replica(index));
        }
        properties.put("spring.r2dbc.routing.pool.initial-size", 1);
        properties.put("spring.r2dbc.routing.pool.max-size", 4);
        properties.put("spring.r2dbc.routing.monitoring.interval", INTERVAL.toMillis() + "ms");
        return properties;
    }

    private static void target(Map<String, Object> properties, String prefix, MariaDbServer server) {
        properties.put(prefix + "url", "r2dbc:mysql://127.0.0.1:" + server.port() + "/"
                + server.options().getRequiredValue(ConnectionFactoryOptions.DATABASE));
        properties.put(prefix + "username", server.options().getRequiredValue(ConnectionFactoryOptions.USER));
        properties.put(prefix + "password",
                server.options().getRequiredValue(ConnectionFactoryOptions.PASSWORD).toString());
    }

    @Test
    void healthFollowsTheServersThatAreKilled() throws Exception {
        RoutingConnectionFactory router = application.getBean(RoutingConnectionFactory.class);
        awaitAllUp(router);
        for (int i = 0; i < 2; i++) {
            client.get().uri("/where").exchange().expectStatus().isOk();
        }
        Health healthy = health();
        assertThat(healthy.code).isEqualTo(200);
        assertThat(healthy.status()).isEqualTo("UP");
        assertThat(healthy.routing().at("/details/primary/status").asText()).isEqualTo("UP");
        assertThat(healthy.routing().at("/details/replicas/replica-1/state").asText()).isEqualTo("UP");
        assertThat(healthy.body.at("/components/r2dbc/status").asText()).isEqualTo("UP");

        // One replica killed: UP, and the replica DOWN in the details.
        cluster.replica(1).kill();
        long killedAt = System.nanoTime();
        Health oneDown = awaitHealth("replica-1 DOWN in the details",
                health -> "DOWN".equals(health.routing().at("/details/replicas/replica-1/status").asText()));
        long oneDownAfter = System.nanoTime() - killedAt;
        assertThat(oneDown.code).isEqualTo(200);
        assertThat(oneDown.status()).isEqualTo("UP");
        assertThat(oneDown.routing().at("/status").asText()).isEqualTo("UP");
        assertThat(oneDown.routing().at("/details/replicas/replica-1/error").asText()).isNotBlank();
        assertThat(oneDown.routing().at("/details/replicas/replica-2/status").asText()).isEqualTo("UP");
        Health stateDown = awaitHealth("the router holds replica-1 DOWN",
                health -> "DOWN".equals(health.routing().at("/details/replicas/replica-1/state").asText()));
        long stateDownAfter = System.nanoTime() - killedAt;
        assertThat(stateDown.routing().at("/details/replicas/replica-1/reason").asText()).isNotBlank();

        // Both replicas killed: DEGRADED, still served with HTTP 200.
        cluster.replica(2).kill();
        Health degraded = awaitHealth("routing DEGRADED",
                health -> "DEGRADED".equals(health.routing().at("/status").asText()));
        assertThat(degraded.code).isEqualTo(200);
        assertThat(degraded.status()).isEqualTo("DEGRADED");
        assertThat(degraded.routing().at("/details/reads").asText()).contains("on the primary");
        cluster.replica(1).start();
        cluster.replica(2).start();
        awaitAllUp(router);
        assertThat(health().status()).isEqualTo("UP");

        // The primary killed: DOWN and HTTP 503 within two monitor intervals, although /actuator/health is a GET.
        MariaDbServer primary = cluster.primary();
        primary.kill();
        long primaryKilledAt = System.nanoTime();
        Health down = awaitHealth("health DOWN", health -> "DOWN".equals(health.status()));
        long downAfter = System.nanoTime() - primaryKilledAt;
        System.out.printf("HealthIT: replica-1 DOWN in health %dms after SIGKILL, held DOWN by the router after %dms;"
                        + " primary DOWN in health %dms after SIGKILL (monitor interval %dms)%n",
                oneDownAfter / 1_000_000, stateDownAfter / 1_000_000, downAfter / 1_000_000, INTERVAL.toMillis());
        assertThat(down.code).isEqualTo(503);
        assertThat(down.routing().at("/details/primary/status").asText()).isEqualTo("DOWN");
        assertThat(down.routing().at("/details/primary/error").asText()).isNotBlank();
        assertThat(down.body.at("/components/r2dbc/status").asText()).isEqualTo("DOWN");
        assertThat(Duration.ofNanos(downAfter)).as("time from the primary's SIGKILL to health DOWN")
                .isLessThanOrEqualTo(INTERVAL.multipliedBy(2));

        // The endpoint opens no connection: it shows the primary as the last connection request saw it.
        router.create().as(StepVerifier::create)
                .expectError(PrimaryUnavailableException.class)
                .verify(LIMIT);
        JsonNode routing = json.readTree(client.get().uri("/actuator/routing").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
        assertThat(routing.at("/targets/primary/state").asText()).isEqualTo("DOWN");
        assertThat(routing.at("/targets/replica-1/state").asText()).isEqualTo("UP");
        assertThat(routing.at("/targets/replica-1/handedOut").asLong()
                + routing.at("/targets/replica-2/handedOut").asLong()).as("reads handed out by the replicas")
                .isGreaterThanOrEqualTo(2);
        assertThat(routing.at("/configuration/primary").asText()).contains(":****@")
                .doesNotContain(cluster.primary().options().getRequiredValue(ConnectionFactoryOptions.PASSWORD)
                        .toString());
        primary.start();
        awaitHealth("health UP again", health -> "UP".equals(health.status()));
    }

    private static void awaitAllUp(RoutingConnectionFactory router) {
        Routers.await("both replicas are UP", LIMIT,
                () -> router.replicas().stream().allMatch(replica -> replica.state() == ReplicaState.UP));
    }

    /**
     * Ask for health every 20ms, each request after the previous answer, until {@code condition} holds.
     */
    private static Health awaitHealth(String what, Predicate<Health> condition) {
        return Mono.defer(() -> healthOf(web.get().uri("/actuator/health")))
                .concatWith(Mono.delay(Duration.ofMillis(20)).then(Mono.empty()))
                .repeat()
                .filter(condition)
                .next()
                .timeout(LIMIT, Mono.error(() -> new AssertionError("Timed out after " + LIMIT
                        + " waiting until " + what + "; last health: " + health().body)))
                .block();
    }

    private static Mono<Health> healthOf(WebClient.RequestHeadersSpec<?> request) {
        return request.exchangeToMono(response -> response.bodyToMono(String.class)
                .map(body -> new Health(response.statusCode().value(), parse(body))));
    }

    static Health health() {
        return healthOf(web.get().uri("/actuator/health")).block(LIMIT);
    }

    private static JsonNode parse(String body) {
        try {
            return json.readTree(body);
        }
        catch (java.io.IOException ex) {
            throw new IllegalStateException("Not JSON: " + body, ex);
        }
    }

    record Health(int code, JsonNode body) {

        String status() {
            return this.body.at("/status").asText();
        }

        JsonNode routing() {
            return this.body.at("/components/routing");
        }
    }
}
