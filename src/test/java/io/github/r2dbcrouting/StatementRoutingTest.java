package io.github.r2dbcrouting;

import java.util.function.Function;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.TransactionDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Connections on the replica and auto routes pick their server from their first unit of work, and never let a
 * replica run a write or a locking read. Stub targets record which statements reached them.
 */
final class StatementRoutingTest {

    private final StubConnectionFactory primary = new StubConnectionFactory("primary");

    private final StubConnectionFactory replica = new StubConnectionFactory("replica-1");

    private RoutingConnectionFactory router;

    private RoutingConnectionFactory router(Function<RoutingConfiguration.Builder, RoutingConfiguration.Builder> more) {
        this.router = new RoutingConnectionFactory(more.apply(RoutingConfiguration.builder()
                .primary(this.primary)
                .replica("replica-1", this.replica)
                .monitoring(false)).build());
        return this.router;
    }

    @AfterEach
    void everyConnectionIsBackAfterClose() {
        assertThat(this.primary.open).as("primary connections still open").hasValue(0);
        assertThat(this.replica.open).as("replica connections still open").hasValue(0);
        if (this.router != null) {
            this.router.dispose();
        }
    }

    private Mono<Void> run(Connection connection, String... statements) {
        return Flux.fromArray(statements)
                .concatMap(sql -> Flux.from(connection.createStatement(sql).execute()))
                .then();
    }

    private Mono<Void> work(Function<Context, Context> route, Function<Connection, Mono<Void>> work) {
        return Mono.usingWhen(this.router.create(), work, Connection::close).contextWrite(route);
    }

    @Test
    void onTheAutoRouteAReadRunsOnAReplicaAndAWriteMovesTheConnectionToThePrimary() {
        router(builder -> builder);
        work(Routing.withAutoRoute(), connection -> run(connection, "SELECT 1", "UPDATE t SET a = 1",
                "SELECT a FROM t"))
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(this.replica.statements).containsExactly("SELECT 1");
        assertThat(this.primary.statements).containsExactly("UPDATE t SET a = 1", "SELECT a FROM t");
    }

    @Test
    void onTheAutoRouteAWriteFirstNeverTakesAReplicaConnection() {
        router(builder -> builder);
        work(Routing.withAutoRoute(), connection -> run(connection, "INSERT INTO t VALUES (1)", "SELECT 1"))
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(this.replica.created).hasValue(0);
        assertThat(this.primary.statements).containsExactly("INSERT INTO t VALUES (1)", "SELECT 1");
    }

    @Test
    void anAutoConnectionClosedBeforeAnyWorkTakesNoServerConnection() {
        router(builder -> builder);
        work(Routing.withAutoRoute(), connection -> Mono.empty())
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(this.primary.attempts).hasValue(0);
        assertThat(this.replica.attempts).hasValue(0);
    }

    @Test
    void onTheReplicaRouteWritesAndLockingReadsEscalateToThePrimaryBeforeAnythingIsSent() {
        router(builder -> builder);
        work(Routing.withReplica(), connection -> run(connection, "SELECT * FROM t",
                "SELECT * FROM t WHERE id = 1 FOR UPDATE", "SELECT * FROM t"))
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(this.replica.statements).containsExactly("SELECT * FROM t");
        assertThat(this.primary.statements).containsExactly("SELECT * FROM t WHERE id = 1 FOR UPDATE",
                "SELECT * FROM t");
    }

    @Test
    void withFailAWriteOnTheReplicaRouteFailsNamingItsKeywordAndTheRoutesOrigin() {
        router(builder -> builder.writesOnReplicaRoute(WritesOnReplicaRoute.FAIL));
        work(Routing.withRoute(Route.REPLICA, "GET /orders (RoutingWebFilter)"),
                connection -> run(connection, "SELECT 1", "  delete from t where id = 1"))
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(WriteOnReplicaRouteException.class)
                        .hasMessageContaining("DELETE")
                        .hasMessageContaining("GET /orders (RoutingWebFilter)")
                        .hasMessageContaining("writesOnReplicaRoute=FAIL"))
                .verify();

        assertThat(this.replica.statements).containsExactly("SELECT 1");
        assertThat(this.primary.attempts).hasValue(0);
    }

    @Test
    void withFailTheAutoRouteStillWritesOnThePrimary() {
        router(builder -> builder.writesOnReplicaRoute(WritesOnReplicaRoute.FAIL));
        work(Routing.withAutoRoute(), connection -> run(connection, "SELECT 1", "INSERT INTO t VALUES (1)"))
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(this.primary.statements).containsExactly("INSERT INTO t VALUES (1)");
    }

    @Test
    void aWriteInsideAReadOnlyTransactionOnAReplicaFailsEvenWhenWritesEscalate() {
        router(builder -> builder);
        work(Routing.withAutoRoute(), connection -> Mono.from(connection.beginTransaction(readOnly()))
                .then(run(connection, "SELECT 1", "UPDATE t SET a = 1")))
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(WriteOnReplicaRouteException.class)
                        .hasMessageContaining("UPDATE")
                        .hasMessageContaining("read-only transaction"))
                .verify();

        assertThat(this.replica.statements).containsExactly("SELECT 1");
        assertThat(this.primary.attempts).hasValue(0);
    }

    @Test
    void aReadWriteTransactionOnTheAutoRouteRunsOnThePrimaryWithEveryStatement() {
        router(builder -> builder);
        work(Routing.withAutoRoute(), connection -> Mono.from(connection.beginTransaction())
                .then(run(connection, "SELECT 1", "UPDATE t SET a = 1"))
                .then(Mono.from(connection.commitTransaction())))
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(this.replica.attempts).hasValue(0);
        assertThat(this.primary.statements).containsExactly("SELECT 1", "UPDATE t SET a = 1");
    }

    @Test
    void aStatementCreatedBeforeATransactionBeganRunsInsideIt() {
        router(builder -> builder);
        work(Routing.withReplica(), connection -> {
            var createdFirst = connection.createStatement("SELECT value FROM t");
            return Mono.from(connection.beginTransaction())
                    .thenMany(createdFirst.execute())
                    .then(Mono.from(connection.commitTransaction()));
        })
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(this.replica.statements).isEmpty();
        assertThat(this.primary.statements).containsExactly("SELECT value FROM t");
    }

    @Test
    void aHintSendsAReadToThePrimary() {
        router(builder -> builder);
        work(Routing.withReplica(), connection -> run(connection, "/* route=primary */ SELECT 1"))
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(this.primary.statements).containsExactly("/* route=primary */ SELECT 1");
        assertThat(this.replica.statements).isEmpty();
    }

    @Test
    void aConnectionWithoutRouteIsThePrimarysOwnAsBefore() {
        router(builder -> builder);
        Mono.usingWhen(this.router.create(), connection -> Mono.just(connection.getClass().getSimpleName()),
                        Connection::close)
                .as(StepVerifier::create)
                .expectNext("StubConnection")
                .verifyComplete();
    }

    @Test
    void theAutoRouteCanBeTheDefaultForPipelinesWithoutRoute() {
        router(builder -> builder.defaultRoute(Route.AUTO));
        Mono.usingWhen(this.router.create(), connection -> run(connection, "SELECT 1", "DELETE FROM t"),
                        Connection::close)
                .as(StepVerifier::create)
                .verifyComplete();
        work(Routing.withPrimary(), connection -> run(connection, "SELECT 2"))
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(this.replica.statements).containsExactly("SELECT 1");
        assertThat(this.primary.statements).containsExactly("DELETE FROM t", "SELECT 2");
    }

    @Test
    void settingsMadeBeforeTheServerIsChosenAreKeptAndApplied() {
        router(builder -> builder);
        work(Routing.withAutoRoute(), connection -> Mono.from(connection
                        .setTransactionIsolationLevel(IsolationLevel.READ_COMMITTED))
                .then(Mono.fromRunnable(() -> assertThat(connection.getTransactionIsolationLevel())
                        .isEqualTo(IsolationLevel.READ_COMMITTED)))
                .then(Mono.fromRunnable(() -> assertThat(connection.isAutoCommit()).isTrue()))
                .then(run(connection, "SELECT 1")))
                .as(StepVerifier::create)
                .verifyComplete();
    }

    @Test
    void aDeferredStatementChecksItsBindingsAgainstTheText() {
        router(builder -> builder);
        work(Routing.withAutoRoute(), connection -> Mono.fromRunnable(() -> {
            var statement = connection.createStatement("INSERT INTO t VALUES (?, 'a?', ?)");
            assertThatThrownBy(() -> statement.bind(0, null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> statement.bind(2, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> statement.bind("unknown", 1)).isInstanceOf(IllegalArgumentException.class);
            statement.bind(0, 1).bindNull(1, Integer.class);
        }))
                .as(StepVerifier::create)
                .verifyComplete();
    }

    @Test
    void aFirstStatementCancelledWhileItsServerConnectionArrivesStillReturnsThatConnection() {
        router(builder -> builder);
        work(Routing.withAutoRoute(), connection -> Flux.from(connection.createStatement("SELECT 1").execute())
                .take(0)
                .then())
                .as(StepVerifier::create)
                .verifyComplete();
    }

    private static TransactionDefinition readOnly() {
        return new TransactionDefinition() {

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getAttribute(io.r2dbc.spi.Option<T> option) {
                return option.equals(TransactionDefinition.READ_ONLY) ? (T) Boolean.TRUE : null;
            }
        };
    }
}
