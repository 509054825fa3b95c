package io.github.r2dbcrouting;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A session's primary connection: which statements count as writes, when their position is recorded, and the SPI
 * at its edges.
 */
final class WriteRecordingConnectionTest {

    private final StubConnectionFactory primary = new StubConnectionFactory("primary");

    private final ScriptedDialect dialect = new ScriptedDialect();

    private final RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder()
            .primary(this.primary)
            .replica("replica-1", new StubConnectionFactory("replica-1"))
            .dialect(this.dialect)
            .monitoring(false)
            .scheduler(VirtualTimeScheduler.create())
            .build());

    private final RoutingSession session = new RoutingSession();

    @AfterEach
    void close() {
        this.router.dispose();
    }

    private Connection connection() {
        Connection connection = this.router.create().contextWrite(Routing.withSession(this.session)).block();
        assertThat(connection).isInstanceOf(WriteRecordingConnection.class);
        return connection;
    }

    private static Mono<Void> run(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).then();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "select * from t", "  \n\tSELECT 1", "Select 1 FROM dual", "SHOW TABLES",
            "show replica status"})
    void readsAreNotWrites(String sql) {
        assertThat(WriteRecordingConnection.mayWrite(sql)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO t VALUES (1)", "update t set a = 1", "DELETE FROM t", "REPLACE INTO t VALUES (1)",
            "CALL p()", "CREATE TABLE t (id INT)", "/* a comment */ SELECT 1", "WITH x AS (SELECT 1) SELECT * FROM x",
            "(SELECT 1)", "", "   "})
    void everythingElseMayWrite(String sql) {
        assertThat(WriteRecordingConnection.mayWrite(sql)).isTrue();
    }

    @Test
    void anAutocommitWriteIsRecordedWhenTheConnectionIsReleased() {
        this.dialect.lastWrite = "0-1-7";
        Connection connection = connection();
        run(connection, "INSERT INTO t VALUES (1)").then(Mono.from(connection.close()))
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(this.session.lastWritePosition()).isEqualTo("0-1-7");
        assertThat(this.session.lastWriteTime()).isNotNull();
    }

    @Test
    void aReadRecordsNothing() {
        Connection connection = connection();
        run(connection, "SELECT 1").then(Mono.from(connection.close()))
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(this.session.lastWriteTime()).isNull();
    }

    @Test
    void aCommittedTransactionIsRecordedAndARolledBackOneIsNot() {
        this.dialect.lastWrite = "0-1-8";
        Connection rolledBack = connection();
        Mono.from(rolledBack.beginTransaction())
                .then(run(rolledBack, "UPDATE t SET a = 1"))
                .then(Mono.from(rolledBack.rollbackTransaction()))
                .then(Mono.from(rolledBack.close()))
                .as(StepVerifier::create)
                .verifyComplete();
        assertThat(this.session.lastWriteTime()).isNull();

        Connection committed = connection();
        Mono.from(committed.beginTransaction())
                .then(run(committed, "UPDATE t SET a = 2"))
                .then(Mono.from(committed.commitTransaction()))
                .as(StepVerifier::create)
                .verifyComplete();
        assertThat(this.session.lastWritePosition()).isEqualTo("0-1-8");
        Mono.from(committed.close()).as(StepVerifier::create).verifyComplete();
    }

    @Test
    void createStatementRejectsNullWithIllegalArgumentException() {
        Connection connection = connection();
        assertThatIllegalArgumentException().isThrownBy(() -> connection.createStatement(null))
                .withMessageContaining("sql");
        Mono.from(connection.close()).block();
    }

    @Test
    void aClosedConnectionDoesNotValidate() {
        Connection connection = connection();
        Mono.from(connection.validate(ValidationDepth.LOCAL))
                .concatWith(Mono.from(connection.close()).then(Mono.empty()))
                .concatWith(connection.validate(ValidationDepth.LOCAL))
                .concatWith(connection.validate(ValidationDepth.REMOTE))
                .as(StepVerifier::create)
                .expectNext(true, false, false)
                .verifyComplete();
        assertThat(this.primary.open).hasValue(0);
    }
}
