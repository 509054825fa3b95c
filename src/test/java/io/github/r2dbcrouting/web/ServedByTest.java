package io.github.r2dbcrouting.web;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.internal.CapturedLog;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which targets served a request, as the filter tells it: a debug line per request, and the opt-in
 * {@value RoutingWebFilter#SERVED_BY_HEADER} header. The targets are in-memory H2 databases.
 */
final class ServedByTest {

    private final RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder()
            .monitoring(false)
            .primary("r2dbc:h2:mem:///served-by-primary")
            .replica("replica-1", "r2dbc:h2:mem:///served-by-replica-1")
            .pool(pool -> pool.initialSize(0).maxSize(2))
            .build());

    @AfterEach
    void closeRouter() {
        this.router.dispose();
    }

    private Mono<String> oneConnection() {
        return Mono.usingWhen(this.router.create(), connection -> Mono.just("ok"), Connection::close);
    }

    private WebTestClient client(boolean servedByHeader) {
        RouterFunction<ServerResponse> routes = RouterFunctions.route()
                .GET("/read", request -> ServerResponse.ok().body(oneConnection(), String.class))
                .POST("/write-then-read", request -> ServerResponse.ok().body(oneConnection()
                        .then(oneConnection().contextWrite(io.github.r2dbcrouting.Routing.withReplica())),
                        String.class))
                .GET("/none", request -> ServerResponse.ok().bodyValue("none"))
                .build();
        return WebTestClient.bindToRouterFunction(routes)
                .webFilter(RoutingWebFilter.builder().servedByHeader(servedByHeader).build())
                .build();
    }

    @Test
    void theHeaderIsOffByDefault() {
        client(false).get().uri("/read").exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist(RoutingWebFilter.SERVED_BY_HEADER);
        assertThat(RoutingWebFilter.builder().build().toString()).contains("servedByHeader=false");
    }

    @Test
    void theHeaderNamesTheReplicaThatServedAGet() {
        client(true).get().uri("/read").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(RoutingWebFilter.SERVED_BY_HEADER, "replica-1");
    }

    @Test
    void theHeaderNamesEveryTargetOfARequestInTheOrderTheyServed() {
        client(true).post().uri("/write-then-read").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(RoutingWebFilter.SERVED_BY_HEADER, "primary, replica-1");
    }

    @Test
    void aRequestWithoutConnectionsGetsNoHeader() {
        client(true).get().uri("/none").exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist(RoutingWebFilter.SERVED_BY_HEADER);
    }

    @Test
    void aDebugLineNamesTheTargetsThatServedEachRequest() {
        WebTestClient client = client(false);
        String log = CapturedLog.during(() -> {
            client.get().uri("/read").exchange().expectStatus().isOk();
            client.post().uri("/write-then-read").exchange().expectStatus().isOk();
            client.get().uri("/none").exchange().expectStatus().isOk();
        }, "served by replica-1", "served by primary, replica-1", "served by no database connection");
        assertThat(log).contains("GET /read (REPLICA) served by replica-1")
                .contains("POST /write-then-read (PRIMARY) served by primary, replica-1")
                .contains("GET /none (REPLICA) served by no database connection");
    }
}
