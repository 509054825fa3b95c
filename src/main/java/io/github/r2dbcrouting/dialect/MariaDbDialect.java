package io.github.r2dbcrouting.dialect;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.r2dbc.spi.Connection;
import reactor.core.publisher.Mono;

/**
 * MariaDB: positions are GTID lists such as {@code 0-1-42,1-2-7}, one {@code domain-server-sequence} per domain.
 */
final class MariaDbDialect implements ReplicationDialect {

    static final MariaDbDialect INSTANCE = new MariaDbDialect("SHOW REPLICA STATUS");

    static final MariaDbDialect LEGACY = new MariaDbDialect("SHOW SLAVE STATUS");

    private final String statusStatement;

    private MariaDbDialect(String statusStatement) {
        this.statusStatement = statusStatement;
    }

    @Override
    public Mono<ReplicationStatus> status(Connection connection) {
        return StatusRows.read(connection, this.statusStatement, "SELECT @@GLOBAL.gtid_slave_pos");
    }

    @Override
    public Mono<String> lastWritePosition(Connection connection) {
        return StatusRows.scalar(connection, "SELECT @@last_gtid");
    }

    @Override
    public Mono<Boolean> awaitPosition(Connection connection, String position, Duration timeout) {
        return StatusRows.awaitPosition(connection, "SELECT MASTER_GTID_WAIT(?, ?)", position, timeout);
    }

    @Override
    public boolean covers(String replicaPosition, String writePosition) {
        Map<Long, Long> applied = sequencesByDomain(replicaPosition);
        for (Map.Entry<Long, Long> write : sequencesByDomain(writePosition).entrySet()) {
            Long sequence = applied.get(write.getKey());
            if (sequence == null || sequence < write.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Map<Long, Long> sequencesByDomain(String position) {
        Map<Long, Long> sequences = new HashMap<>();
        for (String gtid : position.split(",")) {
            String trimmed = gtid.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split("-");
            sequences.merge(Long.parseLong(parts[0]), Long.parseLong(parts[2]), Math::max);
        }
        return sequences;
    }

    @Override
    public String toString() {
        return "MariaDB";
    }
}
