package io.github.r2dbcrouting.examples.notes;

import java.util.Map;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import reactor.core.publisher.Mono;

/**
 * Statistics computed in one read-only transaction, which the routing transaction manager runs on a replica.
 */
@Service
public class NoteStatistics {

    private final DatabaseClient client;

    NoteStatistics(DatabaseClient client) {
        this.client = client;
    }

    /**
     * @return the number of notes and the longest note's length, read in one transaction
     */
    @Transactional(readOnly = true)
    public Mono<Map<String, Object>> statistics() {
        Mono<Long> count = this.client.sql("SELECT COUNT(*) FROM note")
                .map(row -> ((Number) row.get(0)).longValue())
                .one();
        Mono<Long> longest = this.client.sql("SELECT COALESCE(MAX(CHAR_LENGTH(text)), 0) FROM note")
                .map(row -> ((Number) row.get(0)).longValue())
                .one();
        return Mono.zip(count, longest).map(both -> Map.of("notes", both.getT1(), "longest", both.getT2()));
    }
}
