package io.github.r2dbcrouting.spring;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Asks the server behind the current connection where it is.
 */
@Component
public class WhereQueries {

    private final DatabaseClient client;

    WhereQueries(DatabaseClient client) {
        this.client = client;
    }

    /**
     * @return where this statement ran
     */
    public Mono<Where> where() {
        return this.client.sql(Where.SQL)
                .map(row -> new Where(row.get("server_id", Number.class).longValue(),
                        row.get("connection_id", Number.class).longValue()))
                .one();
    }
}
