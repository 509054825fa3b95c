package io.github.r2dbcrouting.spring;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;

/**
 * Plain Spring Data R2DBC over a view whose rows say which server read them.
 */
public interface ServedNoteRepository extends ReactiveCrudRepository<ServedNote, Long> {
}
