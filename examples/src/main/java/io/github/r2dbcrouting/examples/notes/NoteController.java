package io.github.r2dbcrouting.examples.notes;

import java.util.List;
import java.util.Map;

import io.github.r2dbcrouting.web.UsePrimary;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Notes over HTTP. Nothing here mentions routing except {@link UsePrimary}: the routing filter sends GETs to a
 * replica and POSTs to the primary.
 */
@RestController
@RequestMapping("/notes")
public class NoteController {

    private final NoteRepository notes;

    private final NoteStatistics statistics;

    private final ServedBy servedBy;

    NoteController(NoteRepository notes, NoteStatistics statistics, ServedBy servedBy) {
        this.notes = notes;
        this.statistics = statistics;
        this.servedBy = servedBy;
    }

    /**
     * A GET: runs on a replica.
     */
    @GetMapping
    Mono<ResponseEntity<List<Note>>> all() {
        return labelled(this.notes.findAll().collectList(), HttpStatus.OK);
    }

    /**
     * A POST: runs on the primary.
     */
    @PostMapping
    Mono<ResponseEntity<Note>> create(@RequestBody Note note) {
        return labelled(this.notes.save(new Note(null, note.text())), HttpStatus.CREATED);
    }

    /**
     * A GET that must see the latest write, whatever replication lag: runs on the primary.
     */
    @GetMapping("/{id}/fresh")
    @UsePrimary
    Mono<ResponseEntity<Note>> fresh(@PathVariable("id") long id) {
        return labelled(this.notes.findById(id), HttpStatus.OK)
                .defaultIfEmpty(ResponseEntity.notFound().build());
    }

    /**
     * A read-only transaction: runs on a replica, on one connection.
     */
    @GetMapping("/stats")
    Mono<ResponseEntity<Map<String, Object>>> stats() {
        return labelled(this.statistics.statistics(), HttpStatus.OK);
    }

    private <T> Mono<ResponseEntity<T>> labelled(Mono<T> body, HttpStatus status) {
        return body.flatMap(value -> this.servedBy.server()
                .map(server -> ResponseEntity.status(status).header(ServedBy.HEADER, server).body(value)));
    }
}
