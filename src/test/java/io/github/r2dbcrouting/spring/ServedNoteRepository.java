package io.github.r2dbcrouting.spring;

import org.springframework.data.relational.core.sql.LockMode;
import org.springframework.data.relational.repository.Lock;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import reactor.core.publisher.Flux;

/**
 * Plain Spring Data R2DBC over a view whose rows say which server read them.
 */
public interface ServedNoteRepository extends ReactiveCrudRepository<ServedNote, Long> {

    /**
     * A derived finder with a write lock: {@code SELECT ... FOR UPDATE}.
     */
    @Lock(LockMode.PESSIMISTIC_WRITE)
    Flux<ServedNote> findByText(String text);
}
