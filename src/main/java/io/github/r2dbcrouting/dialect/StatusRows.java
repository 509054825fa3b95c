package io.github.r2dbcrouting.dialect;

import java.time.Duration;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The SQL that MariaDB and MySQL share: the replica status statement, read by column name (their order, and the
 * words {@code Slave} and {@code Master} versus {@code Replica} and {@code Source}, differ between versions), one
 * scalar query, and a wait for a GTID position.
 */
final class StatusRows {

    private StatusRows() {
    }

    /**
     * @param statement {@code SHOW REPLICA STATUS} or {@code SHOW SLAVE STATUS}
     * @param positionQuery a query whose one value is the replica's applied GTID position
     */
    static Mono<ReplicationStatus> read(Connection connection, String statement, String positionQuery) {
        return Flux.from(connection.createStatement(statement).execute())
                .concatMap(result -> result.map(StatusRows::toStatus))
                .next()
                .flatMap(status -> scalar(connection, positionQuery)
                        .map(position -> new ReplicationStatus(status.ioRunning(), status.sqlRunning(), status.lag(),
                                position))
                        .defaultIfEmpty(status));
    }

    static Mono<String> scalar(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute())
                .concatMap(result -> result.map(StatusRows::firstColumn))
                .filter(value -> !value.isEmpty())
                .next();
    }

    /**
     * @param sql a wait function called with the position and a timeout in seconds, returning 0 once applied
     */
    static Mono<Boolean> awaitPosition(Connection connection, String sql, String position, Duration timeout) {
        return Flux.from(connection.createStatement(sql)
                        .bind(0, position)
                        .bind(1, timeout.toMillis() / 1000.0)
                        .execute())
                .concatMap(result -> result.map(row -> {
                    Object value = row.get(0);
                    return value instanceof Number number && number.intValue() == 0;
                }))
                .next()
                .defaultIfEmpty(false);
    }

    private static String firstColumn(Readable row) {
        Object value = row.get(0);
        return value == null ? "" : value.toString();
    }

    private static ReplicationStatus toStatus(Row row, RowMetadata metadata) {
        boolean io = "Yes".equalsIgnoreCase(text(row, metadata, "Slave_IO_Running", "Replica_IO_Running"));
        boolean sql = "Yes".equalsIgnoreCase(text(row, metadata, "Slave_SQL_Running", "Replica_SQL_Running"));
        String seconds = text(row, metadata, "Seconds_Behind_Master", "Seconds_Behind_Source");
        Duration lag = seconds == null || seconds.isEmpty() ? null : Duration.ofSeconds(Long.parseLong(seconds));
        return new ReplicationStatus(io, sql, lag, null);
    }

    private static @Nullable String text(Row row, RowMetadata metadata, String... names) {
        for (String name : names) {
            if (metadata.contains(name)) {
                Object value = row.get(name);
                return value == null ? null : value.toString();
            }
        }
        return null;
    }
}
