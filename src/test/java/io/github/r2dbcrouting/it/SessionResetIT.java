package io.github.r2dbcrouting.it;

import java.time.Duration;
import java.util.List;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.SessionReset;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.Sql;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one borrower of a pooled connection leaves behind, against the real primary: nothing. Each pool here holds
 * one connection, so the second borrower gets the first one's connection unless it was replaced.
 */
@ExtendWith(MariaDbCluster.class)
final class SessionResetIT {

    private static MariaDbCluster cluster;

    private static RoutingConnectionFactory router;

    @BeforeAll
    static void start(MariaDbCluster testBed) {
        cluster = testBed;
        router = Routers.router(cluster, builder -> builder.pool(pool -> pool.initialSize(0).maxSize(1)));
        Sql.execute(cluster.primary().connectionFactory(),
                "CREATE OR REPLACE TABLE session_reset_rows (id INT PRIMARY KEY)").block(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        router.close().block(Duration.ofSeconds(30));
    }

    @BeforeEach
    void emptyTable() {
        Sql.execute(cluster.primary().connectionFactory(), "DELETE FROM session_reset_rows")
                .block(Duration.ofSeconds(10));
    }

    /**
     * Borrower 1 turns autocommit off, raises the isolation level, inserts row 1 and closes without a commit.
     *
     * @return its connection id
     */
    private static Mono<Long> leaveStateBehind(ConnectionFactory factory) {
        return Mono.usingWhen(factory.create(),
                connection -> Mono.from(connection.setAutoCommit(false))
                        .then(Mono.from(connection.setTransactionIsolationLevel(IsolationLevel.SERIALIZABLE)))
                        .then(insert(connection, 1))
                        .then(connectionId(connection)),
                Connection::close);
    }

    /**
     * Borrower 2 reads its session as the driver and the server see it, inserts row 2 and closes.
     */
    private static Mono<Session> lookAndInsert(ConnectionFactory factory) {
        return Mono.usingWhen(factory.create(),
                connection -> Flux.from(connection.createStatement(
                                "SELECT CONNECTION_ID(), @@autocommit, @@tx_isolation, @@innodb_lock_wait_timeout")
                                .execute())
                        .concatMap(result -> result.map(row -> new Session(
                                ((Number) row.get(0)).longValue(), connection.isAutoCommit(),
                                connection.getTransactionIsolationLevel(), ((Number) row.get(1)).intValue() == 1,
                                String.valueOf(row.get(2)), ((Number) row.get(3)).longValue())))
                        .single()
                        .flatMap(session -> insert(connection, 2).thenReturn(session)),
                Connection::close);
    }

    private static Mono<Void> insert(Connection connection, int id) {
        return Flux.from(connection.createStatement("REPLACE INTO session_reset_rows (id) VALUES (" + id + ")")
                        .execute())
                .concatMap(result -> result.getRowsUpdated())
                .then();
    }

    private static Mono<Long> connectionId(Connection connection) {
        return Flux.from(connection.createStatement("SELECT CONNECTION_ID()").execute())
                .concatMap(result -> result.map(row -> ((Number) row.get(0)).longValue()))
                .single();
    }

    private static List<Integer> rows() {
        return Sql.query(cluster.primary().connectionFactory(), "SELECT id FROM session_reset_rows ORDER BY id",
                        row -> ((Number) row.get(0)).intValue())
                .collectList()
                .block(Duration.ofSeconds(10));
    }

    private static void assertFreshSessionAndNoLostWrite(ConnectionFactory factory) {
        long first = leaveStateBehind(factory).block(Duration.ofSeconds(10));
        lookAndInsert(factory)
                .as(StepVerifier::create)
                .assertNext(session -> {
                    assertThat(session.connectionId()).as("the same pooled connection").isEqualTo(first);
                    assertThat(session.driverAutoCommit()).isTrue();
                    assertThat(session.serverAutoCommit()).isTrue();
                    assertThat(session.driverIsolation()).isEqualTo(IsolationLevel.REPEATABLE_READ);
                    assertThat(session.serverIsolation()).isEqualTo("REPEATABLE-READ");
                })
                .verifyComplete();
        assertThat(rows()).as("borrower 1's uncommitted row rolled back, borrower 2's row kept").containsExactly(2);
    }

    @Test
    void theNextBorrowerOfARouterPoolFindsAFreshSessionAndKeepsItsWrite() {
        assertFreshSessionAndNoLostWrite(router);
    }

    @Test
    void theNextBorrowerOfAUsersPoolWithSessionResetFindsAFreshSession() {
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(
                        SessionReset.of(ConnectionFactories.get(cluster.primary().options())))
                .initialSize(0)
                .maxSize(1)
                .build());
        try {
            assertFreshSessionAndNoLostWrite(pool);
        }
        finally {
            pool.dispose();
        }
    }

    @Test
    void aConnectionWhoseLockWaitTimeoutChangedIsReplacedOnRelease() {
        long fresh = lookAndInsert(router).block(Duration.ofSeconds(10)).lockWaitTimeoutSeconds();
        long first = Mono.usingWhen(router.create(),
                        connection -> Mono.from(connection.setLockWaitTimeout(Duration.ofSeconds(7)))
                                .then(connectionId(connection)),
                        Connection::close)
                .block(Duration.ofSeconds(10));

        lookAndInsert(router)
                .as(StepVerifier::create)
                .assertNext(session -> {
                    assertThat(session.connectionId()).as("a new connection").isNotEqualTo(first);
                    assertThat(session.lockWaitTimeoutSeconds()).isEqualTo(fresh).isNotEqualTo(7);
                })
                .verifyComplete();
        assertThat(Routers.acquired(router.unwrap())).isZero();
    }

    @Test
    void aReleasedConnectionNoLongerValidates() {
        Mono.from(router.create())
                .flatMap(connection -> Mono.from(connection.close())
                        .then(Mono.from(connection.validate(ValidationDepth.LOCAL))))
                .as(StepVerifier::create)
                .expectNext(false)
                .verifyComplete();
    }

    private record Session(long connectionId, boolean driverAutoCommit, IsolationLevel driverIsolation,
            boolean serverAutoCommit, String serverIsolation, long lockWaitTimeoutSeconds) {
    }
}
