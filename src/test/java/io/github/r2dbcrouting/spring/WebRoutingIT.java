package io.github.r2dbcrouting.spring;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routing filter against real servers: the server that answers is the one the route names.
 */
final class WebRoutingIT extends ClusterApplicationTests {

    private Where get(String path) {
        return this.client().get().uri(path).exchange()
                .expectStatus().isOk()
                .expectBody(Where.class).returnResult().getResponseBody();
    }

    private Where post(String path) {
        return this.client().post().uri(path).exchange()
                .expectStatus().isOk()
                .expectBody(Where.class).returnResult().getResponseBody();
    }

    @Test
    void getRunsOnAReplica() {
        assertThat(get("/where")).matches(Where::onReplica, "on a replica");
    }

    @Test
    void postRunsOnThePrimary() {
        assertThat(post("/where")).matches(Where::onPrimary, "on the primary");
    }

    @Test
    void everyGetIsServedByAReplicaAndBothReplicasServe() {
        List<Long> servers = IntStream.range(0, 6).mapToObj(i -> get("/where").serverId()).toList();

        assertThat(servers).containsOnly(2L, 3L).contains(2L, 3L);
    }

    @Test
    void readsOfOneRequestStickToOneReplica() {
        for (int i = 0; i < 4; i++) {
            List<Where> both = this.client().get().uri("/where/twice").exchange()
                    .expectStatus().isOk()
                    .expectBody(new ParameterizedTypeReference<List<Where>>() { })
                    .returnResult().getResponseBody();
            assertThat(both).hasSize(2).allMatch(Where::onReplica, "on a replica");
            assertThat(both.get(1).serverId()).isEqualTo(both.get(0).serverId());
        }
    }

    @Test
    void usePrimaryOverridesGet() {
        assertThat(get("/where/use-primary")).matches(Where::onPrimary, "on the primary");
    }

    @Test
    void useReplicaOverridesPost() {
        assertThat(post("/where/use-replica")).matches(Where::onReplica, "on a replica");
    }

    @Test
    void useReplicaFilterFunctionRoutesAFunctionalPostToAReplica() {
        assertThat(post("/functional/where")).matches(Where::onReplica, "on a replica");
    }

    @Test
    void explicitWithPrimaryInHandlerCodeWinsOverGet() {
        assertThat(get("/where/with-primary")).matches(Where::onPrimary, "on the primary");
    }
}
