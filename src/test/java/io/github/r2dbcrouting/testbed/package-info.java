/**
 * A real MariaDB test bed: a primary and two replicas with GTID replication, started by
 * {@code scripts/mariadb-cluster.sh} on free loopback ports in a temporary directory.
 * <p>
 * Integration tests use it through the JUnit extension {@link io.github.r2dbcrouting.testbed.MariaDbCluster}:
 * <pre>
 * &#64;ExtendWith(MariaDbCluster.class)
 * final class SomethingIT {
 *
 *     &#64;Test
 *     void readsFromAReplica(MariaDbCluster cluster) {
 *         Sql.queryOne(cluster.replica(1).connectionFactory(), "SELECT &#64;&#64;server_id", Long.class)
 *                 .as(StepVerifier::create)
 *                 .expectNext(2L)
 *                 .verifyComplete();
 *     }
 * }
 * </pre>
 */
@NullMarked
package io.github.r2dbcrouting.testbed;

import org.jspecify.annotations.NullMarked;
