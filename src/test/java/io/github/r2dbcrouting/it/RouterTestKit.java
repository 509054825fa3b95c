package io.github.r2dbcrouting.it;

import java.time.Duration;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.RoutingSession;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.Sql;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.test.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The R2DBC SPI TestKit, run through a {@link RoutingConnectionFactory} against the test bed's MariaDB primary: the
 * router must hand out connections that behave as the SPI specifies, also after other callers used and closed them.
 * <p>
 * Each concrete class opens its own router, which builds its own pools, and closes it after its last test. The
 * tables live in a database of their own, {@value #DATABASE}, so that they cannot clash with other tests'. The
 * TestKit sets up its tables over JDBC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RouterTestKit implements TestKit<Integer> {

    private static final String DATABASE = "r2dbc_testkit";

    /** Bounds every StepVerifier of the TestKit, so that a statement stuck behind a lock fails instead of hanging. */
    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What the callers of the router put in their Context.
     */
    enum Scope {

        /** No routing operator: connections come from the primary. */
        NO_ROUTE,

        /**
         * A {@link RoutingSession} per test, as a request handler would open one per request: connections come
         * from the primary, wrapped to record the session's writes.
         */
        SESSION,

        /**
         * {@link Routing#withAutoRoute()} inside a session: every connection is a statement-routed one that picks
         * its server from its first unit of work. Its "replicas" are the primary itself, so that the TestKit's
         * reads of rows it wrote over JDBC never meet replication lag: what is under test is the connection's
         * behaviour, not where it runs.
         */
        AUTO
    }

    private final Scope scope;

    private final ConnectionFactory inSession = new InSession();

    private RoutingConnectionFactory router;

    private SingleConnectionDataSource dataSource;

    private JdbcTemplate jdbc;

    private RoutingSession session = new RoutingSession();

    RouterTestKit(Scope scope) {
        this.scope = scope;
    }

    @BeforeAll
    void openRouter(MariaDbCluster cluster) {
        ConnectionFactoryOptions app = cluster.primary().options();
        String user = (String) app.getRequiredValue(ConnectionFactoryOptions.USER);
        ConnectionFactory admin = cluster.primary().adminConnectionFactory();
        Sql.execute(admin, "CREATE DATABASE IF NOT EXISTS " + DATABASE)
                .then(Sql.execute(admin, "GRANT ALL PRIVILEGES ON " + DATABASE + ".* TO '" + user + "'@'%'"))
                .then(cluster.awaitReplication())
                .block(Duration.ofSeconds(30));

        boolean auto = this.scope == Scope.AUTO;
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(inDatabase(cluster.primary().options()))
                .replica("replica-1", inDatabase((auto ? cluster.primary() : cluster.replica(1)).options()))
                .replica("replica-2", inDatabase((auto ? cluster.primary() : cluster.replica(2)).options()))
                .monitoring(!auto)
                .pool(pool -> pool.initialSize(0).maxSize(10).maxAcquireTime(Duration.ofSeconds(5)))
                .build());

        // The fixture's DROP TABLE must not wait a day for a lock that a leaked transaction holds.
        String url = "jdbc:mariadb://" + app.getRequiredValue(ConnectionFactoryOptions.HOST) + ":"
                + app.getRequiredValue(ConnectionFactoryOptions.PORT) + "/" + DATABASE
                + "?sessionVariables=lock_wait_timeout=10,innodb_lock_wait_timeout=10";
        this.dataSource = new SingleConnectionDataSource(url, user,
                String.valueOf(app.getRequiredValue(ConnectionFactoryOptions.PASSWORD)), true);
        this.jdbc = new JdbcTemplate(this.dataSource);

        StepVerifier.setDefaultTimeout(VERIFY_TIMEOUT);
    }

    @AfterAll
    void closeRouter() {
        StepVerifier.resetDefaultTimeout();
        if (this.dataSource != null) {
            this.dataSource.destroy();
        }
        if (this.router != null) {
            this.router.close().block(Duration.ofSeconds(30));
        }
    }

    private static ConnectionFactoryOptions inDatabase(ConnectionFactoryOptions options) {
        return options.mutate().option(ConnectionFactoryOptions.DATABASE, DATABASE).build();
    }

    @BeforeEach
    void startRequest() {
        this.session = new RoutingSession();
    }

    /**
     * Creates the TestKit's tables, after dropping any that a failed test left behind, so that one test's failure
     * does not fail the next one's setup.
     */
    @BeforeEach
    @Override
    public void createTable() {
        this.jdbc.execute("DROP TABLE IF EXISTS test, test_two_column, blob_test, clob_test");
        TestKit.super.createTable();
    }

    @Override
    public ConnectionFactory getConnectionFactory() {
        return this.scope == Scope.NO_ROUTE ? this.router : this.inSession;
    }

    /**
     * As the TestKit's, except on the auto route: there the first statement of a connection is created before its
     * server connection exists, so the router checks its bindings against the statement's text (a {@code null}, an
     * index past the last parameter, an unknown name) and a value the driver cannot encode fails when the statement
     * runs, not when it is bound.
     */
    @Override
    public void bindFails() {
        if (this.scope != Scope.AUTO) {
            TestKit.super.bindFails();
            return;
        }
        Mono.from(getConnectionFactory().create())
                .flatMap(connection -> {
                    Statement statement = connection.createStatement("INSERT INTO test VALUES(?)");
                    assertThrows(IllegalArgumentException.class, () -> statement.bind(0, null));
                    assertThrows(IndexOutOfBoundsException.class, () -> statement.bind(99, ""));
                    assertThrows(IllegalArgumentException.class, () -> statement.bind("unknown", ""));
                    return Flux.from(statement.bind(0, Class.class).execute())
                            .then(Mono.<Void>error(new AssertionError("bind(0, Class.class) ran")))
                            .onErrorResume(IllegalArgumentException.class, unencodable -> Mono.empty())
                            .then(Mono.from(connection.close()));
                })
                .as(StepVerifier::create)
                .verifyComplete();
    }

    @Override
    public JdbcOperations getJdbcOperations() {
        return this.jdbc;
    }

    @Override
    public String getPlaceholder(int index) {
        return "?";
    }

    @Override
    public Integer getIdentifier(int index) {
        return index;
    }

    @Override
    public String doGetSql(TestStatement statement) {
        return switch (statement) {
            case CREATE_TABLE_AUTOGENERATED_KEY ->
                    "CREATE TABLE test (id INT AUTO_INCREMENT PRIMARY KEY, test_value INT)";
            case INSERT_VALUE_AUTOGENERATED_KEY -> "INSERT INTO test (test_value) VALUES (100)";
            default -> statement.getSql();
        };
    }

    @Override
    public String clobType() {
        return "LONGTEXT";
    }

    /**
     * The router as a request handler inside {@code contextWrite(Routing.withSession(session))} calls it: every
     * connection of one test belongs to that test's session.
     */
    private final class InSession implements ConnectionFactory {

        @Override
        public Mono<? extends Connection> create() {
            Mono<? extends Connection> connection = scope == Scope.AUTO
                    ? router.create().contextWrite(Routing.withAutoRoute()) : router.create();
            return connection.contextWrite(Routing.withSession(session));
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return router.getMetadata();
        }
    }
}
