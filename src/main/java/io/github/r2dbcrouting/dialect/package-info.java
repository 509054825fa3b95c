/**
 * How the router reads replication on a database family: {@link io.github.r2dbcrouting.dialect.ReplicationDialect}
 * (replica status, a write's position, waiting for a position) with MariaDB and MySQL built in, and the
 * {@link io.github.r2dbcrouting.dialect.ReplicationStatus} a dialect reports. Implement the interface to support
 * another database without touching the router.
 */
@NullMarked
package io.github.r2dbcrouting.dialect;

import org.jspecify.annotations.NullMarked;
