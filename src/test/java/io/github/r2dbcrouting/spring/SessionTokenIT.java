package io.github.r2dbcrouting.spring;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.github.r2dbcrouting.testbed.MariaDbServer;
import io.github.r2dbcrouting.testbed.Sql;
import io.github.r2dbcrouting.web.RoutingWebFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes across requests: with replicas that apply changes 3 seconds late (and are still UP, their lag
 * being under maxLag), a GET that carries the token of the client's POST sees the new row; a GET without it, or
 * with a tampered one, is served by a replica at once and does not.
 */
final class SessionTokenIT extends ClusterApplicationTests {

    @BeforeEach
    void delayReplicas() {
        post("seen by every replica");
        cluster().awaitReplication().block(TIMEOUT);
        delay(3);
    }

    @AfterEach
    void undelayReplicas() {
        delay(0);
        cluster().awaitReplication().block(TIMEOUT);
    }

    private static void delay(int seconds) {
        for (MariaDbServer replica : cluster().replicas()) {
            Sql.execute(replica.adminConnectionFactory(), "STOP SLAVE")
                    .then(Sql.execute(replica.adminConnectionFactory(), "CHANGE MASTER TO MASTER_DELAY = " + seconds))
                    .then(Sql.execute(replica.adminConnectionFactory(), "START SLAVE"))
                    .block(TIMEOUT);
        }
    }

    private EntityExchangeResult<Note> post(String text) {
        return client().post().uri("/notes").bodyValue(new Note(null, text)).exchange()
                .expectStatus().isCreated()
                .expectBody(Note.class).returnResult();
    }

    private List<ServedNote> get(String token) {
        return client().get().uri("/notes")
                .headers(headers -> {
                    if (token != null) {
                        headers.set(RoutingWebFilter.SESSION_HEADER, token);
                    }
                })
                .exchange()
                .expectStatus().isOk()
                .expectBodyList(ServedNote.class).returnResult().getResponseBody();
    }

    private static boolean holds(List<ServedNote> notes, long id) {
        return notes.stream().anyMatch(note -> note.id() == id);
    }

    @Test
    void getCarryingThePostsTokenSeesTheNewRowWhileReplicasLag() {
        EntityExchangeResult<Note> created = post("token-" + UUID.randomUUID());
        long id = created.getResponseBody().id();
        String token = created.getResponseHeaders().getFirst(RoutingWebFilter.SESSION_HEADER);
        assertThat(token).as("the POST's response carries a token").isNotBlank();
        assertThat(created.getResponseCookies().getFirst(RoutingWebFilter.SESSION_COOKIE)).isNotNull();

        List<ServedNote> withoutToken = get(null);
        assertThat(withoutToken).isNotEmpty().allMatch(note -> note.servedBy() != 1);
        assertThat(holds(withoutToken, id)).as("a replica 3s late has not applied the POST yet").isFalse();

        assertThat(holds(get(token), id)).as("the GET with the token sees its write").isTrue();
    }

    @Test
    void getWithATamperedTokenIsServedNormallyAndNotDelayed() {
        EntityExchangeResult<Note> created = post("tampered-" + UUID.randomUUID());
        long id = created.getResponseBody().id();
        String token = created.getResponseHeaders().getFirst(RoutingWebFilter.SESSION_HEADER);
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");

        long started = System.nanoTime();
        List<ServedNote> notes = get(tampered);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(notes).isNotEmpty().allMatch(note -> note.servedBy() != 1);
        assertThat(holds(notes, id)).isFalse();
        assertThat(took).as("not held up by a wait for the write").isLessThan(Duration.ofMillis(900));
    }
}
