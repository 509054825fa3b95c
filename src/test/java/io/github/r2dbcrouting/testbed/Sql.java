package io.github.r2dbcrouting.testbed;

import java.util.Optional;
import java.util.function.Function;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One statement on a fresh connection, for tests: each method opens a connection when subscribed, runs the
 * statement, and closes the connection when done, on error and on cancel too.
 * <p>
 * Bindings are positional and use MySQL's {@code ?} markers:
 * <pre>
 * Sql.execute(cluster.primary().connectionFactory(), "INSERT INTO item (id, name) VALUES (?, ?)", 1, "one")
 * </pre>
 */
public final class Sql {

    private Sql() {
    }

    /**
     * Runs a statement that returns no rows, such as {@code INSERT}, {@code UPDATE} or {@code CREATE TABLE}.
     *
     * @param connectionFactory where to run it
     * @param sql the statement
     * @param bindings values for its {@code ?} markers, in order
     * @return the number of rows the statement changed
     */
    public static Mono<Long> execute(ConnectionFactory connectionFactory, String sql, Object... bindings) {
        return Mono.usingWhen(connectionFactory.create(),
                connection -> Flux.from(statement(connection, sql, bindings).execute())
                        .flatMap(Result::getRowsUpdated)
                        .reduce(0L, Long::sum),
                Connection::close);
    }

    /**
     * Runs a query and maps every row.
     *
     * @param connectionFactory where to run it
     * @param sql the query
     * @param mapper maps one row; must not return {@code null}
     * @param bindings values for its {@code ?} markers, in order
     * @param <T> the type of a mapped row
     * @return the mapped rows
     */
    public static <T> Flux<T> query(ConnectionFactory connectionFactory, String sql,
            Function<? super Readable, ? extends T> mapper, Object... bindings) {
        return Flux.usingWhen(connectionFactory.create(),
                connection -> Flux.from(statement(connection, sql, bindings).execute())
                        .flatMap(result -> result.map(mapper)),
                Connection::close);
    }

    /**
     * Runs a query that returns at most one row and reads its first column, such as
     * {@code SELECT @@server_id}.
     *
     * @param connectionFactory where to run it
     * @param sql the query
     * @param type the Java type of the first column
     * @param bindings values for its {@code ?} markers, in order
     * @param <T> the Java type of the first column
     * @return the value; empty if the query returned no row or {@code NULL}; an {@link IndexOutOfBoundsException}
     *         if it returned more than one row
     */
    public static <T> Mono<T> queryOne(ConnectionFactory connectionFactory, String sql, Class<T> type,
            Object... bindings) {
        return query(connectionFactory, sql, row -> Optional.ofNullable(row.get(0, type)), bindings)
                .singleOrEmpty()
                .flatMap(Mono::justOrEmpty);
    }

    private static Statement statement(Connection connection, String sql, Object... bindings) {
        Statement statement = connection.createStatement(sql);
        for (int index = 0; index < bindings.length; index++) {
            statement.bind(index, bindings[index]);
        }
        return statement;
    }
}
