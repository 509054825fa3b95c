package io.github.r2dbcrouting.dialect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.r2dbc.spi.Connection;
import reactor.core.publisher.Mono;

/**
 * MySQL: positions are GTID sets such as {@code 3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7,...}.
 */
final class MySqlDialect implements ReplicationDialect {

    static final MySqlDialect MODERN = new MySqlDialect("SHOW REPLICA STATUS");

    static final MySqlDialect LEGACY = new MySqlDialect("SHOW SLAVE STATUS");

    private final String statusStatement;

    private MySqlDialect(String statusStatement) {
        this.statusStatement = statusStatement;
    }

    @Override
    public Mono<ReplicationStatus> status(Connection connection) {
        return StatusRows.read(connection, this.statusStatement, "SELECT @@GLOBAL.gtid_executed");
    }

    @Override
    public Mono<String> lastWritePosition(Connection connection) {
        return StatusRows.scalar(connection, "SELECT @@GLOBAL.gtid_executed");
    }

    @Override
    public Mono<Boolean> awaitPosition(Connection connection, String position, Duration timeout) {
        return StatusRows.awaitPosition(connection, "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", position, timeout);
    }

    @Override
    public boolean covers(String replicaPosition, String writePosition) {
        Map<String, List<long[]>> applied = parse(replicaPosition);
        for (Map.Entry<String, List<long[]>> write : parse(writePosition).entrySet()) {
            List<long[]> intervals = applied.get(write.getKey());
            if (intervals == null) {
                return false;
            }
            for (long[] needed : write.getValue()) {
                if (!contained(needed, intervals)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean contained(long[] needed, List<long[]> intervals) {
        for (long[] interval : intervals) {
            if (interval[0] <= needed[0] && needed[1] <= interval[1]) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, List<long[]>> parse(String position) {
        Map<String, List<long[]>> sets = new HashMap<>();
        for (String uuidSet : position.replace("\n", "").split(",")) {
            String[] parts = uuidSet.trim().split(":");
            if (parts.length < 2) {
                continue;
            }
            List<long[]> intervals = sets.computeIfAbsent(parts[0].toLowerCase(Locale.ROOT), key -> new ArrayList<>());
            for (int i = 1; i < parts.length; i++) {
                String[] bounds = parts[i].split("-");
                long start = Long.parseLong(bounds[0]);
                intervals.add(new long[] {start, bounds.length > 1 ? Long.parseLong(bounds[1]) : start});
            }
        }
        return sets;
    }

    @Override
    public String toString() {
        return "MySQL";
    }
}
