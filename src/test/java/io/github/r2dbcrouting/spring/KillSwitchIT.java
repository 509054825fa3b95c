package io.github.r2dbcrouting.spring;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code spring.r2dbc.routing.web.enabled=false}, reads go to the primary unless a handler asks for a replica.
 */
@TestPropertySource(properties = "spring.r2dbc.routing.web.enabled=false")
final class KillSwitchIT extends ClusterApplicationTests {

    private Where exchange(HttpMethod method, String path) {
        return this.client().method(method).uri(path).exchange()
                .expectStatus().isOk()
                .expectBody(Where.class).returnResult().getResponseBody();
    }

    @Test
    void getRunsOnThePrimary() {
        assertThat(exchange(HttpMethod.GET, "/where"))
                .matches(Where::onPrimary, "on the primary");
    }

    @Test
    void readOnlyTransactionUnderGetRunsOnThePrimary() {
        assertThat(this.client().get().uri("/where/read-only-transaction").exchange()
                .expectStatus().isOk()
                .expectBodyList(Where.class).returnResult().getResponseBody())
                .hasSize(3)
                .allMatch(Where::onPrimary, "on the primary");
    }

    @Test
    void useReplicaStillRunsOnAReplica() {
        assertThat(exchange(HttpMethod.POST, "/where/use-replica"))
                .matches(Where::onReplica, "on a replica");
    }

    @Test
    void withReplicaInHandlerCodeStillRunsOnAReplica() {
        assertThat(exchange(HttpMethod.GET, "/where/with-replica"))
                .matches(Where::onReplica, "on a replica");
    }
}
