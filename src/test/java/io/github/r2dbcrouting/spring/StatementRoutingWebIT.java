package io.github.r2dbcrouting.spring;

import java.util.List;

import io.github.r2dbcrouting.testbed.Sql;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under a GET, which the filter routes to a replica, Spring Data's writes and locking finders run on the primary
 * instead of failing on a read-only replica, and plain finders still read from a replica.
 */
final class StatementRoutingWebIT extends ClusterApplicationTests {

    @Test
    void aGetThatSavesWritesOnThePrimary() {
        String text = "touched-" + System.nanoTime();

        Note saved = this.client().get().uri(uri -> uri.path("/notes/touch").queryParam("text", text).build())
                .exchange()
                .expectStatus().isOk()
                .expectBody(Note.class).returnResult().getResponseBody();

        assertThat(saved.id()).isNotNull();
        Sql.queryOne(cluster().primary().connectionFactory(), "SELECT text FROM spring_note WHERE id = ?",
                        String.class, saved.id())
                .as(StepVerifier::create)
                .expectNext(text)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aLockingFinderUnderAGetRunsOnThePrimaryAndAPlainOneOnAReplica() {
        String text = "locked-" + System.nanoTime();
        this.client().get().uri(uri -> uri.path("/notes/touch").queryParam("text", text).build())
                .exchange()
                .expectStatus().isOk();
        cluster().awaitReplication().as(StepVerifier::create).expectComplete().verify(TIMEOUT);

        List<ServedNote> locked = this.client().get()
                .uri(uri -> uri.path("/notes/locked").queryParam("text", text).build())
                .exchange()
                .expectStatus().isOk()
                .expectBodyList(ServedNote.class).returnResult().getResponseBody();
        List<ServedNote> all = this.client().get().uri("/notes").exchange()
                .expectStatus().isOk()
                .expectBodyList(ServedNote.class).returnResult().getResponseBody();

        assertThat(locked).extracting(ServedNote::servedBy).containsExactly(
                (long) cluster().primary().serverId());
        assertThat(all).isNotEmpty();
        assertThat(all.get(0).servedBy()).isIn((long) cluster().replica(1).serverId(),
                (long) cluster().replica(2).serverId());
    }
}
