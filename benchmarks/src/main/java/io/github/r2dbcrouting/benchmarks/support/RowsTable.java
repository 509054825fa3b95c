package io.github.r2dbcrouting.benchmarks.support;

import java.time.Duration;
import java.util.function.Function;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A table of {@code rows} rows keyed {@code 1..rows}, made on the primary and replicated to both replicas before
 * any measurement. Made once per cluster and size: a later fork finds it complete and only checks the replicas.
 */
public final class RowsTable {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static final int REPLICATION_WAIT_SECONDS = 120;

    /** The table's name, for example {@code bench_rows_100000}. */
    public final String name;

    /** How many rows it holds. */
    public final int rows;

    /** {@code SELECT id, name, amount FROM name WHERE id = ?}. */
    public final String selectById;

    private RowsTable(int rows) {
        this.name = "bench_rows_" + rows;
        this.rows = rows;
        this.selectById = "SELECT id, name, amount FROM " + this.name + " WHERE id = ?";
    }

    /**
     * Create and fill the table on the primary unless it is already complete, then wait until both replicas
     * have applied the primary's binary log up to now and hold every row.
     *
     * @param env the test bed
     * @param rows the number of rows
     * @return the table
     * @throws IllegalStateException if a replica does not catch up within two minutes
     */
    public static RowsTable ensure(ClusterEnv env, int rows) {
        RowsTable table = new RowsTable(rows);
        String position = inConnection(MariaDb.driver(env, env.primaryPort), table::fill);
        for (int port : new int[] {env.replica1Port, env.replica2Port}) {
            long count = inConnection(MariaDb.driver(env, port), connection -> table.awaitReplica(connection,
                    position));
            if (count != rows) {
                throw new IllegalStateException("Replica on port " + port + " holds " + count + " rows of "
                        + table.name + " after catching up with the primary (GTID " + position + "); expected " + rows);
            }
        }
        return table;
    }

    private Mono<String> fill(Connection connection) {
        Mono<Void> create = execute(connection, "CREATE TABLE IF NOT EXISTS " + this.name
                + " (id INT NOT NULL PRIMARY KEY, name VARCHAR(32) NOT NULL, amount BIGINT NOT NULL)");
        Mono<Void> refill = execute(connection, "TRUNCATE TABLE " + this.name)
                .then(execute(connection, "SET SESSION max_recursive_iterations = " + (this.rows + 1)))
                .then(execute(connection, "INSERT INTO " + this.name + " (id, name, amount)"
                        + " WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < " + this.rows
                        + ") SELECT n, CONCAT('row-', n), n * 7 FROM seq"));
        return create
                .then(single(connection, "SELECT COUNT(*) FROM " + this.name, row -> row.get(0, Long.class)))
                .flatMap(count -> count == this.rows ? Mono.empty() : refill)
                .then(single(connection, "SELECT @@gtid_binlog_pos", row -> row.get(0, String.class)));
    }

    private Mono<Long> awaitReplica(Connection connection, String position) {
        return single(connection, "SELECT MASTER_GTID_WAIT('" + position + "', " + REPLICATION_WAIT_SECONDS + ")",
                row -> row.get(0, Long.class))
                .flatMap(status -> status == 0 ? single(connection, "SELECT COUNT(*) FROM " + this.name,
                        row -> row.get(0, Long.class))
                        : Mono.error(new IllegalStateException("Replica did not reach GTID " + position + " within "
                                + REPLICATION_WAIT_SECONDS + "s")));
    }

    private static <T> T inConnection(ConnectionFactory factory, Function<Connection, Mono<T>> work) {
        return Mono.usingWhen(factory.create(), work, Connection::close).block(TIMEOUT);
    }

    private static Mono<Void> execute(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).flatMap(result -> result.getRowsUpdated()).then();
    }

    private static <T> Mono<T> single(Connection connection, String sql, Function<Readable, T> column) {
        return Flux.from(connection.createStatement(sql).execute())
                .flatMap(result -> result.map(column))
                .collectList()
                .map(values -> values.get(0));
    }

    @Override
    public String toString() {
        return "RowsTable[" + this.name + "]";
    }
}
