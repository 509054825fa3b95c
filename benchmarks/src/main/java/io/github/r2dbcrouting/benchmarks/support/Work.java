package io.github.r2dbcrouting.benchmarks.support;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The units of work measured on real MariaDB, written as an application writes them with plain R2DBC: take a
 * connection, run one statement, read the row, close the connection on completion, error and cancel alike.
 */
public final class Work {

    private Work() {
    }

    /**
     * @param factory where the connection comes from
     * @return {@code SELECT 1} on a new connection; emits the value
     */
    public static Mono<Object> selectOne(ConnectionFactory factory) {
        return Mono.usingWhen(factory.create(),
                connection -> Flux.from(connection.createStatement("SELECT 1").execute())
                        .flatMap(result -> result.map((row, metadata) -> row.get(0)))
                        .last(),
                Connection::close);
    }

    /**
     * @param factory where the connection comes from
     * @param table a table made by {@link RowsTable#ensure}
     * @param id the primary key to read, from 1 to the table's size
     * @return the row's {@code name}
     */
    public static Mono<String> selectById(ConnectionFactory factory, RowsTable table, int id) {
        return Mono.usingWhen(factory.create(),
                connection -> Flux.from(connection.createStatement(table.selectById).bind(0, id).execute())
                        .flatMap(result -> result.map((row, metadata) -> row.get("name", String.class)))
                        .last(),
                Connection::close);
    }
}
