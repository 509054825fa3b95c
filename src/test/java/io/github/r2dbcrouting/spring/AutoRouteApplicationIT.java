package io.github.r2dbcrouting.spring;

import java.util.List;

import io.github.r2dbcrouting.testbed.Sql;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that opts into the auto route, for code outside any request
 * ({@code spring.r2dbc.routing.default-route=auto}) and for requests ({@code web.auto-route=true}): each connection
 * picks its server from what it does first.
 */
@TestPropertySource(properties = {
        "spring.r2dbc.routing.default-route=auto",
        "spring.r2dbc.routing.web.auto-route=true"
})
final class AutoRouteApplicationIT extends ClusterApplicationTests {

    @Autowired
    private NoteRepository notes;

    @Autowired
    private ServedNoteRepository servedNotes;

    @Autowired
    private WhereService where;

    private List<Long> replicaIds() {
        return List.of((long) cluster().replica(1).serverId(), (long) cluster().replica(2).serverId());
    }

    @Test
    void outsideAnyRequestSaveWritesOnThePrimaryAndFindAllReadsFromAReplica() {
        String text = "auto-" + System.nanoTime();
        Note saved = this.notes.save(new Note(null, text)).block(TIMEOUT);

        assertThat(saved).isNotNull();
        Sql.queryOne(cluster().primary().connectionFactory(), "SELECT text FROM spring_note WHERE id = ?",
                        String.class, saved.id())
                .as(StepVerifier::create)
                .expectNext(text)
                .expectComplete()
                .verify(TIMEOUT);
        cluster().awaitReplication().as(StepVerifier::create).expectComplete().verify(TIMEOUT);

        this.servedNotes.findAll()
                .map(ServedNote::servedBy)
                .distinct()
                .collectList()
                .as(StepVerifier::create)
                .assertNext(servers -> assertThat(servers).hasSize(1).allMatch(replicaIds()::contains))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aReadWriteTransactionRunsOnThePrimaryWithEveryStatementOnOneConnection() {
        this.where.threeStatementsReadWriteWithInnerReplica()
                .as(StepVerifier::create)
                .assertNext(places -> {
                    assertThat(places).extracting(Where::serverId).containsOnly(
                            (long) cluster().primary().serverId());
                    assertThat(places).extracting(Where::connectionId).containsOnly(places.get(0).connectionId());
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aReadOnlyTransactionRunsOnAReplicaWithEveryStatementOnOneConnection() {
        this.where.threeStatementsReadOnly()
                .as(StepVerifier::create)
                .assertNext(places -> {
                    assertThat(places).extracting(Where::serverId).containsOnly(places.get(0).serverId());
                    assertThat(replicaIds()).contains(places.get(0).serverId());
                    assertThat(places).extracting(Where::connectionId).containsOnly(places.get(0).connectionId());
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void underTheFiltersAutoRouteAGetThatWritesWritesOnThePrimaryAndAGetThatReadsReadsFromAReplica() {
        String text = "auto-web-" + System.nanoTime();
        this.client().get().uri(uri -> uri.path("/notes/touch").queryParam("text", text).build())
                .exchange()
                .expectStatus().isOk();
        cluster().awaitReplication().as(StepVerifier::create).expectComplete().verify(TIMEOUT);

        List<ServedNote> all = this.client().get().uri("/notes").exchange()
                .expectStatus().isOk()
                .expectBodyList(ServedNote.class).returnResult().getResponseBody();

        assertThat(all).extracting(ServedNote::text).contains(text);
        assertThat(replicaIds()).contains(all.get(0).servedBy());
    }
}
