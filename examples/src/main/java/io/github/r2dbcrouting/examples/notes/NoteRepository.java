package io.github.r2dbcrouting.examples.notes;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;

/**
 * Plain Spring Data R2DBC: it knows nothing of primaries and replicas.
 */
public interface NoteRepository extends ReactiveCrudRepository<Note, Long> {
}
