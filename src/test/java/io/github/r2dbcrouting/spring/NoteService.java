package io.github.r2dbcrouting.spring;

import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes several notes in one read-write transaction.
 */
@Service
public class NoteService {

    private final DatabaseClient client;

    NoteService(DatabaseClient client) {
        this.client = client;
    }

    /**
     * Insert {@code count} notes, each with its own statement, then fail if asked to.
     *
     * @param text the text of every note
     * @param count how many
     * @param fail whether to fail after the last insert, which rolls them all back
     * @return completes when committed; after the rollback, if {@code fail}, a 409 {@link ResponseStatusException}
     */
    @Transactional
    public Mono<Void> insert(String text, int count, boolean fail) {
        Mono<Void> inserts = Flux.range(0, count)
                .concatMap(i -> this.client.sql("INSERT INTO spring_note (text) VALUES (:text)")
                        .bind("text", text)
                        .then())
                .then();
        return fail ? inserts.then(Mono.error(new ResponseStatusException(HttpStatus.CONFLICT,
                "Failing after " + count + " inserts"))) : inserts;
    }
}
