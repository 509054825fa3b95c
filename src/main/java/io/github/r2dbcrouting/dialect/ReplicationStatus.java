package io.github.r2dbcrouting.dialect;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What a replica reports about its replication, as read by a {@link ReplicationDialect}.
 *
 * @param ioRunning whether the thread that receives the primary's changes runs (it does not while the primary is
 * unreachable)
 * @param sqlRunning whether the thread that applies them runs
 * @param lag how far behind the primary the replica is, or {@code null} when the server does not know (MariaDB and
 * MySQL report {@code NULL} while the SQL thread is stopped)
 * @param position the GTID position the replica has applied, or {@code null} when it has none
 */
public record ReplicationStatus(boolean ioRunning, boolean sqlRunning, @Nullable Duration lag,
        @Nullable String position) {
}
