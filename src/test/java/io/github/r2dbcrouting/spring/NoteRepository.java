package io.github.r2dbcrouting.spring;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;

/**
 * Plain Spring Data R2DBC, backed by {@code SimpleR2dbcRepository}.
 */
public interface NoteRepository extends ReactiveCrudRepository<Note, Long> {
}
