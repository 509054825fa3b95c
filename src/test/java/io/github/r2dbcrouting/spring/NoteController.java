package io.github.r2dbcrouting.spring;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Notes through a Spring Data repository and a transactional service.
 */
@RestController
@RequestMapping("/notes")
public class NoteController {

    private final NoteRepository notes;

    private final ServedNoteRepository servedNotes;

    private final NoteService service;

    NoteController(NoteRepository notes, ServedNoteRepository servedNotes, NoteService service) {
        this.notes = notes;
        this.servedNotes = servedNotes;
        this.service = service;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Mono<Note> create(@RequestBody Note note) {
        return this.notes.save(note);
    }

    @GetMapping
    Flux<ServedNote> all() {
        return this.servedNotes.findAll();
    }

    /**
     * A GET that writes, as a view counter or a session touch does.
     */
    @GetMapping("/touch")
    Mono<Note> touch(@RequestParam("text") String text) {
        return this.notes.save(new Note(null, text));
    }

    /**
     * A GET whose finder takes a write lock.
     */
    @GetMapping("/locked")
    Flux<ServedNote> locked(@RequestParam("text") String text) {
        return this.servedNotes.findByText(text);
    }

    @PostMapping("/batch")
    Mono<Void> batch(@RequestParam("text") String text, @RequestParam("count") int count,
            @RequestParam("fail") boolean fail) {
        return this.service.insert(text, count, fail);
    }
}
