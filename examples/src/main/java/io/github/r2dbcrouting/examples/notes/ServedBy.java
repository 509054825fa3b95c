package io.github.r2dbcrouting.examples.notes;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Asks the database which server it is. Run in the same request as the work it labels, it lands on the same
 * server: a request's replica reads stick to one replica, and writes all go to the primary.
 */
@Component
public class ServedBy {

    /**
     * The response header that names the server.
     */
    public static final String HEADER = "X-Served-By";

    private final DatabaseClient client;

    private final String query;

    ServedBy(DatabaseClient client, DemoProperties properties) {
        this.client = client;
        this.query = properties.servedByQuery();
    }

    /**
     * @return the name of the server that runs this statement
     */
    public Mono<String> server() {
        return this.client.sql(this.query).map(row -> String.valueOf(row.get(0))).one();
    }
}
