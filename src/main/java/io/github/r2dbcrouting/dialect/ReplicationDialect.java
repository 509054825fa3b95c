package io.github.r2dbcrouting.dialect;

import java.time.Duration;

import io.r2dbc.spi.Connection;
import reactor.core.publisher.Mono;

/**
 * The SQL of one database family for watching replication and for read-your-writes. Built in: MariaDB and MySQL;
 * {@link #detect(Connection)} asks the server which one it is. Implement it to support another database without
 * touching the router.
 */
public interface ReplicationDialect {

    /**
     * Read the replication status of a replica.
     *
     * @param connection a connection to the replica
     * @return the status, or empty when the server is not configured as a replica
     */
    Mono<ReplicationStatus> status(Connection connection);

    /**
     * Read the position of the last transaction committed on this primary connection.
     *
     * @param connection the primary connection that just committed
     * @return the position, or empty when the server has none (for example GTIDs are off)
     */
    Mono<String> lastWritePosition(Connection connection);

    /**
     * Wait until the replica has applied {@code position}, for at most {@code timeout}.
     *
     * @param connection a connection to the replica
     * @param position a position from {@link #lastWritePosition(Connection)}
     * @param timeout how long the server may wait
     * @return {@code true} once applied, {@code false} after the timeout
     */
    Mono<Boolean> awaitPosition(Connection connection, String position, Duration timeout);

    /**
     * Tell whether a replica at {@code replicaPosition} has applied the write at {@code writePosition}.
     *
     * @param replicaPosition a position from {@link ReplicationStatus#position()}
     * @param writePosition a position from {@link #lastWritePosition(Connection)}
     * @return {@code true} only if the replica has certainly applied the write
     */
    boolean covers(String replicaPosition, String writePosition);

    /**
     * @return MariaDB's dialect: {@code SHOW REPLICA STATUS}, {@code @@last_gtid}, {@code MASTER_GTID_WAIT}
     */
    static ReplicationDialect mariaDb() {
        return MariaDbDialect.INSTANCE;
    }

    /**
     * @return MySQL's dialect: {@code SHOW REPLICA STATUS} (8.0.22+) or {@code SHOW SLAVE STATUS},
     * {@code gtid_executed}, {@code WAIT_FOR_EXECUTED_GTID_SET}
     */
    static ReplicationDialect mySql() {
        return MySqlDialect.MODERN;
    }

    /**
     * Ask the server which dialect it speaks, from {@code SELECT VERSION()}: the driver's metadata is not reliable
     * for this (r2dbc-mysql reports the version comment, such as "Debian 12").
     *
     * @param connection a connection to the server
     * @return the dialect
     */
    static Mono<ReplicationDialect> detect(Connection connection) {
        return Mono.from(connection.createStatement("SELECT VERSION()").execute())
                .flatMap(result -> Mono.from(result.map((row, metadata) -> String.valueOf(row.get(0)))))
                .map(ServerVersion::dialectOf);
    }
}
