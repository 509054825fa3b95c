package io.github.r2dbcrouting.examples.notes;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo on its embedded default, as README's curl session shows it: writes answered by the primary, reads by a
 * replica, each response naming its server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class NotesApplicationTests {

    @Autowired
    WebTestClient client;

    @Test
    void postIsAnsweredByThePrimaryAndGetByAReplicaThatSeesTheNote() {
        this.client.post().uri("/notes").bodyValue(new Note(null, "hello"))
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().valueEquals(ServedBy.HEADER, "PRIMARY");

        Set<String> readers = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            String reader = this.client.get().uri("/notes")
                    .exchange()
                    .expectStatus().isOk()
                    .expectBody(String.class).value(body -> assertThat(body).contains("hello"))
                    .returnResult().getResponseHeaders().getFirst(ServedBy.HEADER);
            readers.add(reader);
        }
        assertThat(readers).containsExactlyInAnyOrder("REPLICA-1", "REPLICA-2");
    }

    @Test
    void theLibrarysHeaderNamesTheTargetThatServed() {
        this.client.get().uri("/notes")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().value("X-Routing-Served-By", target -> assertThat(target).startsWith("replica-"));
    }

    @Test
    void healthTheRoutingEndpointAndMetricsAreExposed() {
        this.client.get().uri("/actuator/health")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.routing.details.primary.status").isEqualTo("UP")
                .jsonPath("$.components.routing.details.replicas.replica-1.state").isEqualTo("UP");
        this.client.get().uri("/actuator/routing")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.configuration.replicaSelection").isEqualTo("round-robin")
                .jsonPath("$.targets.replica-2.state").isEqualTo("UP");
        this.client.get().uri("/actuator/metrics")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.names").isArray();
    }

    @Test
    void usePrimaryAndReadOnlyTransactionAreRoutedAsAnnotated() {
        this.client.get().uri("/notes/stats")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().value(ServedBy.HEADER, server -> assertThat(server).startsWith("REPLICA-"));
        this.client.get().uri("/notes/999999/fresh")
                .exchange()
                .expectStatus().isNotFound();
    }
}
