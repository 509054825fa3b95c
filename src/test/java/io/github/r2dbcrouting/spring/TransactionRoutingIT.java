package io.github.r2dbcrouting.spring;

import java.util.List;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.transaction.RoutingTransactionManager;
import io.github.r2dbcrouting.testbed.MariaDbServer;
import io.github.r2dbcrouting.testbed.Sql;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.TransactionDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transactions through the auto-configured transaction manager: where they run, on how many connections, in which
 * access mode, and what a rollback leaves behind.
 */
final class TransactionRoutingIT extends ClusterApplicationTests {

    /** MariaDB's ER_OPTION_PREVENTS_STATEMENT: a write, or a read-write BEGIN, under {@code read_only}. */
    private static final int READ_ONLY_SERVER = 1290;

    /** MariaDB's ER_CANT_CHANGE_TX_CHARACTERISTICS: {@code SET TRANSACTION} inside a transaction. */
    private static final int CHARACTERISTICS_LOCKED = 1568;

    @Autowired
    private WhereService whereService;

    @Autowired
    private WhereQueries whereQueries;

    @Autowired
    private DatabaseClient client;

    @Autowired
    private ReactiveTransactionManager transactionManager;

    @Autowired
    private ConnectionFactory connectionFactory;

    private TransactionalOperator operator(boolean readOnly) {
        DefaultTransactionDefinition definition = new DefaultTransactionDefinition();
        definition.setReadOnly(readOnly);
        return TransactionalOperator.create(this.transactionManager, definition);
    }

    private static void assertOneConnection(List<Where> wheres) {
        assertThat(wheres).hasSize(3);
        assertThat(wheres).extracting(Where::connectionId).containsOnly(wheres.get(0).connectionId());
        assertThat(wheres).extracting(Where::serverId).containsOnly(wheres.get(0).serverId());
    }

    private static MariaDbServer server(long serverId) {
        return serverId == 1 ? cluster().primary() : cluster().replica((int) serverId - 1);
    }

    /**
     * Ask the server, from another connection, whether the transaction of {@code where}'s connection is read-only.
     */
    private static Mono<Long> transactionIsReadOnly(Where where) {
        return Sql.queryOne(server(where.serverId()).adminConnectionFactory(),
                "SELECT trx_is_read_only FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?",
                Long.class, where.connectionId());
    }

    private Mono<Long> primaryCount(String text) {
        return Sql.queryOne(cluster().primary().connectionFactory(),
                "SELECT COUNT(*) FROM spring_note WHERE text = ?", Long.class, text);
    }

    @Test
    void readOnlyTransactionUnderGetRunsOnAReplicaOnOneConnection() {
        List<Where> wheres = this.client().get().uri("/where/read-only-transaction").exchange()
                .expectStatus().isOk()
                .expectBodyList(Where.class).returnResult().getResponseBody();

        assertOneConnection(wheres);
        assertThat(wheres.get(0)).matches(Where::onReplica, "on a replica");
    }

    @Test
    void readOnlyTransactionOutsideARequestRunsOnAReplica() {
        this.whereService.threeStatementsReadOnly()
                .as(StepVerifier::create)
                .assertNext(wheres -> {
                    assertOneConnection(wheres);
                    assertThat(wheres.get(0)).matches(Where::onReplica, "on a replica");
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void readOnlyTransactionUnderPostRunsOnThePrimary() {
        List<Where> wheres = this.client().post().uri("/where/read-only-transaction").exchange()
                .expectStatus().isOk()
                .expectBodyList(Where.class).returnResult().getResponseBody();

        assertOneConnection(wheres);
        assertThat(wheres.get(0)).matches(Where::onPrimary, "on the primary");
    }

    @Test
    void readWriteTransactionUnderGetRunsOnThePrimaryAndItsInnerWithReplicaToo() {
        List<Where> wheres = this.client().get().uri("/where/read-write-transaction").exchange()
                .expectStatus().isOk()
                .expectBodyList(Where.class).returnResult().getResponseBody();

        assertOneConnection(wheres);
        assertThat(wheres.get(0)).matches(Where::onPrimary, "on the primary");
    }

    @Test
    void innerWithReplicaInsideAReadWriteTransactionUsesTheTransactionsPrimaryConnection() {
        this.whereService.threeStatementsReadWriteWithInnerReplica()
                .contextWrite(Routing.withReplica())
                .as(StepVerifier::create)
                .assertNext(wheres -> {
                    assertOneConnection(wheres);
                    assertThat(wheres.get(0)).matches(Where::onPrimary, "on the primary");
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void readOnlyTransactionStartsReadOnlyOnTheReplica() {
        this.client.sql("SELECT COUNT(*) FROM spring_note").then()
                .then(this.whereQueries.where())
                .flatMap(where -> transactionIsReadOnly(where).map(readOnly -> List.of(where.serverId(), readOnly)))
                .as(operator(true)::transactional)
                .as(StepVerifier::create)
                .assertNext(serverAndReadOnly -> {
                    assertThat(serverAndReadOnly.get(0)).isIn(2L, 3L);
                    assertThat(serverAndReadOnly.get(1)).as("INNODB_TRX.trx_is_read_only").isEqualTo(1L);
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void readWriteTransactionStartsReadWriteOnThePrimary() {
        this.client.sql("SELECT COUNT(*) FROM spring_note").then()
                .then(this.whereQueries.where())
                .flatMap(where -> transactionIsReadOnly(where).map(readOnly -> List.of(where.serverId(), readOnly)))
                .as(operator(false)::transactional)
                .contextWrite(Routing.withReplica())
                .as(StepVerifier::create)
                .expectNext(List.of(1L, 0L))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void replicaRefusesAReadWriteBegin() {
        Mono.usingWhen(cluster().replica(1).connectionFactory().create(),
                        connection -> Mono.from(connection.beginTransaction(readWrite())),
                        Connection::close)
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(R2dbcException.class)
                        .extracting(ex -> ((R2dbcException) ex).getErrorCode()).isEqualTo(READ_ONLY_SERVER))
                .verify(TIMEOUT);
    }

    @Test
    void enforceReadOnlyWouldBreakReadOnlyTransactionsOnMariaDb() {
        RoutingTransactionManager enforcing = new RoutingTransactionManager(this.connectionFactory);
        enforcing.setEnforceReadOnly(true);
        DefaultTransactionDefinition readOnly = new DefaultTransactionDefinition();
        readOnly.setReadOnly(true);

        this.whereQueries.where()
                .as(TransactionalOperator.create(enforcing, readOnly)::transactional)
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(CannotCreateTransactionException.class)
                        .rootCause().isInstanceOf(R2dbcException.class)
                        .extracting(ex -> ((R2dbcException) ex).getErrorCode()).isEqualTo(CHARACTERISTICS_LOCKED))
                .verify(TIMEOUT);
    }

    @Test
    void rollbackUndoesEveryStatementOnThePrimary() {
        String text = "rollback-" + System.nanoTime();

        this.client().post().uri(uri -> uri.path("/notes/batch").queryParam("text", text).queryParam("count", 3)
                        .queryParam("fail", true).build())
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.CONFLICT);

        primaryCount(text).as(StepVerifier::create).expectNext(0L).expectComplete().verify(TIMEOUT);
    }

    @Test
    void committedTransactionKeepsEveryStatementOnThePrimary() {
        String text = "commit-" + System.nanoTime();

        this.client().post().uri(uri -> uri.path("/notes/batch").queryParam("text", text).queryParam("count", 3)
                        .queryParam("fail", false).build())
                .exchange()
                .expectStatus().isOk();

        primaryCount(text).as(StepVerifier::create).expectNext(3L).expectComplete().verify(TIMEOUT);
    }

    private static TransactionDefinition readWrite() {
        return new TransactionDefinition() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T getAttribute(Option<T> option) {
                return TransactionDefinition.READ_ONLY.equals(option) ? (T) Boolean.FALSE : null;
            }
        };
    }
}
