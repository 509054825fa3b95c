package io.github.r2dbcrouting;

import org.jspecify.annotations.Nullable;

/**
 * A session's last write: where it is in the replication stream and when it committed, always read and replaced
 * together.
 *
 * @param position the write's replication position (a GTID), or {@code null} when only its time is known
 * @param epochMillis when it committed
 */
record LastWrite(@Nullable String position, long epochMillis) {
}
