package io.github.r2dbcrouting.spring;

import java.util.List;

import io.github.r2dbcrouting.testbed.Sql;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Data R2DBC repositories, unchanged, behind the routing filter.
 */
final class RepositoryRoutingIT extends ClusterApplicationTests {

    @Autowired
    private ServedNoteRepository servedNotes;

    @Test
    void saveUnderPostRunsOnThePrimary() {
        String text = "saved-" + System.nanoTime();

        Note saved = this.client().post().uri("/notes").bodyValue(new Note(null, text)).exchange()
                .expectStatus().isCreated()
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
    void findAllUnderGetRunsOnAReplica() {
        saveUnderPostRunsOnThePrimary();
        cluster().awaitReplication().as(StepVerifier::create).expectComplete().verify(TIMEOUT);

        List<ServedNote> notes = this.client().get().uri("/notes").exchange()
                .expectStatus().isOk()
                .expectBodyList(ServedNote.class).returnResult().getResponseBody();

        assertThat(notes).isNotEmpty();
        assertThat(notes).extracting(ServedNote::servedBy).containsOnly(notes.get(0).servedBy());
        assertThat(notes.get(0).servedBy()).isIn(2L, 3L);
    }

    @Test
    void findAllOutsideARequestRunsOnThePrimary() {
        saveUnderPostRunsOnThePrimary();

        this.servedNotes.findAll()
                .map(ServedNote::servedBy)
                .distinct()
                .as(StepVerifier::create)
                .expectNext(1L)
                .expectComplete()
                .verify(TIMEOUT);
    }
}
