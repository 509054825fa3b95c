package io.github.r2dbcrouting.transaction;

import java.util.function.Function;

import io.github.r2dbcrouting.Route;
import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where transactions run, on three in-memory H2 databases named after their targets.
 */
final class RoutingTransactionManagerTest {

    private static final String WHERE = "SELECT DATABASE() AS db, SESSION_ID() AS session";

    private final RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder()
            .primary(url("primary"))
            .replica("replica-1", url("replica-1"))
            .pool(pool -> pool.initialSize(0).maxSize(4))
            .monitoring(false)
            .build());

    private final RoutingTransactionManager transactionManager = new RoutingTransactionManager(this.router);

    private final DatabaseClient client = DatabaseClient.create(this.router);

    private static String url(String database) {
        return "r2dbc:h2:mem:///" + database + "-" + System.identityHashCode(RoutingTransactionManagerTest.class)
                + "?options=DB_CLOSE_DELAY=-1";
    }

    @AfterEach
    void closeRouter() {
        this.router.close().as(StepVerifier::create).verifyComplete();
    }

    private static TransactionalOperator operator(RoutingTransactionManager manager, boolean readOnly) {
        DefaultTransactionDefinition definition = new DefaultTransactionDefinition();
        definition.setReadOnly(readOnly);
        return TransactionalOperator.create(manager, definition);
    }

    private Mono<String> where() {
        return this.client.sql(WHERE)
                .map(row -> row.get("db", String.class).toLowerCase().replaceAll("-\\d+$", "") + "#"
                        + row.get("session", Integer.class))
                .one();
    }

    private static String target(String where) {
        return where.substring(0, where.indexOf('#'));
    }

    @Test
    void readOnlyTransactionRunsOnAReplica() {
        where().as(operator(this.transactionManager, true)::transactional)
                .map(RoutingTransactionManagerTest::target)
                .as(StepVerifier::create)
                .expectNext("replica-1")
                .verifyComplete();
    }

    @Test
    void readWriteTransactionRunsOnThePrimaryEvenUnderWithReplica() {
        where().as(operator(this.transactionManager, false)::transactional)
                .contextWrite(Routing.withReplica())
                .map(RoutingTransactionManagerTest::target)
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();
    }

    @Test
    void readOnlyTransactionFollowsAnOuterWithPrimary() {
        where().as(operator(this.transactionManager, true)::transactional)
                .contextWrite(Routing.withPrimary())
                .map(RoutingTransactionManagerTest::target)
                .as(StepVerifier::create)
                .expectNext("primary")
                .verifyComplete();
    }

    @Test
    void innerWithReplicaInsideAReadWriteTransactionUsesTheTransactionsConnection() {
        where().flatMap(first -> where().contextWrite(Routing.withReplica()).map(second -> first + " " + second))
                .as(operator(this.transactionManager, false)::transactional)
                .as(StepVerifier::create)
                .assertNext(both -> {
                    String[] where = both.split(" ");
                    assertThat(target(where[0])).isEqualTo("primary");
                    assertThat(where[1]).isEqualTo(where[0]);
                })
                .verifyComplete();
    }

    @Test
    void everyStatementOfAReadOnlyTransactionUsesItsOneConnection() {
        where().flatMap(first -> where().map(second -> first + " " + second))
                .flatMap(both -> where().map(third -> both + " " + third))
                .as(operator(this.transactionManager, true)::transactional)
                .as(StepVerifier::create)
                .assertNext(all -> {
                    String[] where = all.split(" ");
                    assertThat(target(where[0])).isEqualTo("replica-1");
                    assertThat(where).containsOnly(where[0]);
                })
                .verifyComplete();
    }

    @Test
    void routeOfAReadWriteTransactionIsAlwaysThePrimary() {
        assertThat(RoutingTransactionManager.routeOf(definition(false), Context.empty())).isEqualTo(Route.PRIMARY);
        assertThat(RoutingTransactionManager.routeOf(definition(false), context(Routing.withReplica())))
                .isEqualTo(Route.PRIMARY);
    }

    @Test
    void routeOfAReadOnlyTransactionIsTheContextsRouteOrElseAReplica() {
        assertThat(RoutingTransactionManager.routeOf(definition(true), Context.empty())).isEqualTo(Route.REPLICA);
        assertThat(RoutingTransactionManager.routeOf(definition(true), context(Routing.withReplica())))
                .isEqualTo(Route.REPLICA);
        assertThat(RoutingTransactionManager.routeOf(definition(true), context(Routing.withPrimary())))
                .isEqualTo(Route.PRIMARY);
    }

    private static TransactionDefinition definition(boolean readOnly) {
        DefaultTransactionDefinition definition = new DefaultTransactionDefinition();
        definition.setReadOnly(readOnly);
        return definition;
    }

    private static Context context(Function<Context, Context> operator) {
        return operator.apply(Context.empty());
    }
}
