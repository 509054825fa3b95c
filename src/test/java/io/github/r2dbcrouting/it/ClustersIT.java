package io.github.r2dbcrouting.it;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.RoutingSession;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.MariaDbServer;
import io.github.r2dbcrouting.testbed.SecondMariaDbCluster;
import io.github.r2dbcrouting.testbed.Sql;
import io.github.r2dbcrouting.transaction.RoutingTransactionManager;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static io.github.r2dbcrouting.Routing.withCluster;
import static io.github.r2dbcrouting.Routing.withReplica;
import static io.github.r2dbcrouting.Routing.withSession;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two clusters against real servers: the default one ("orders": the shared test bed) and a static "billing" cluster
 * on a second primary with its own replicas. Where a statement ran is read from the server ({@code @@port}).
 */
@ExtendWith({MariaDbCluster.class, SecondMariaDbCluster.class})
final class ClustersIT {

    private static MariaDbCluster orders;

    private static MariaDbCluster billing;

    private static RoutingConnectionFactory router;

    @BeforeAll
    static void start(MariaDbCluster first, SecondMariaDbCluster second) {
        orders = first;
        billing = second.cluster();
        router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(orders.primary().options())
                .replica("replica-1", orders.replica(1).options())
                .replica("replica-2", orders.replica(2).options())
                .cluster("billing", cluster -> cluster
                        .primary(billing.primary().options())
                        .replica("replica-1", billing.replica(1).options())
                        .replica("replica-2", billing.replica(2).options()))
                .pool(pool -> pool.initialSize(0).maxSize(5))
                .monitorInterval(Duration.ofMillis(200))
                .build());
        for (MariaDbCluster cluster : new MariaDbCluster[] {orders, billing}) {
            Sql.execute(cluster.primary().connectionFactory(),
                    "CREATE OR REPLACE TABLE clusters_rows (id INT AUTO_INCREMENT PRIMARY KEY, tag VARCHAR(40))")
                    .block();
            cluster.awaitReplication().block(Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stop() {
        router.close().block();
    }

    private static Mono<Integer> port(ConnectionFactory factory) {
        return Mono.usingWhen(factory.create(), ClustersIT::port, Connection::close);
    }

    private static Mono<Integer> port(Connection connection) {
        return Flux.from(connection.createStatement("SELECT @@port").execute())
                .concatMap(result -> result.map(row -> Integer.parseInt(String.valueOf(row.get(0)))))
                .single();
    }

    private static Set<Integer> replicaPorts(MariaDbCluster cluster) {
        return cluster.replicas().stream().map(MariaDbServer::port).collect(Collectors.toSet());
    }

    private static Mono<Long> rowsTagged(MariaDbCluster cluster, String tag) {
        return Sql.queryOne(cluster.primary().connectionFactory(), "SELECT COUNT(*) FROM clusters_rows WHERE tag = ?",
                Long.class, tag);
    }

    @Test
    void withoutClusterKeyWritesAndReadsRunOnTheDefaultCluster() {
        port(router).as(StepVerifier::create).expectNext(orders.primary().port()).verifyComplete();
        port(router).contextWrite(withReplica())
                .as(StepVerifier::create)
                .assertNext(port -> assertThat(port).isIn(replicaPorts(orders)))
                .verifyComplete();
    }

    @Test
    void underTheClusterKeyWritesRunOnItsPrimaryAndReadsOnItsReplicas() {
        port(router).contextWrite(withCluster("billing"))
                .as(StepVerifier::create).expectNext(billing.primary().port()).verifyComplete();
        Flux.range(0, 20)
                .concatMap(i -> port(router))
                .contextWrite(withReplica())
                .contextWrite(withCluster("billing"))
                .collect(Collectors.toSet())
                .as(StepVerifier::create)
                .assertNext(ports -> assertThat(ports).isEqualTo(replicaPorts(billing)))
                .verifyComplete();
    }

    @Test
    void aWriteUnderTheClusterKeyLandsInThatClusterOnly() {
        Sql.execute(router, "INSERT INTO clusters_rows (tag) VALUES ('billing-write')")
                .contextWrite(withCluster("billing"))
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        rowsTagged(billing, "billing-write").as(StepVerifier::create).expectNext(1L).verifyComplete();
        rowsTagged(orders, "billing-write").as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    void clusterViewRunsOnItsClusterWhateverTheContextSays() {
        ConnectionFactory view = router.cluster("billing");
        port(view).contextWrite(withCluster(RoutingConfiguration.DEFAULT_CLUSTER))
                .as(StepVerifier::create).expectNext(billing.primary().port()).verifyComplete();
        port(view).contextWrite(withReplica())
                .as(StepVerifier::create)
                .assertNext(port -> assertThat(port).isIn(replicaPorts(billing)))
                .verifyComplete();
        port(router.cluster(RoutingConfiguration.DEFAULT_CLUSTER)).contextWrite(withCluster("billing"))
                .as(StepVerifier::create).expectNext(orders.primary().port()).verifyComplete();
    }

    @Test
    void aSessionReadsItsOwnWriteFromTheClusterItWroteTo() {
        RoutingSession session = new RoutingSession();
        Flux.range(0, 10)
                .concatMap(i -> Sql.execute(router, "INSERT INTO clusters_rows (tag) VALUES (?)", "ryw-" + i)
                        .then(Sql.queryOne(router, "SELECT COUNT(*) FROM clusters_rows WHERE tag = ?", Long.class,
                                "ryw-" + i).contextWrite(withReplica())))
                .contextWrite(withSession(session))
                .contextWrite(withCluster("billing"))
                .collectList()
                .as(StepVerifier::create)
                .assertNext(counts -> assertThat(counts).containsOnly(1L).hasSize(10))
                .verifyComplete();
        rowsTagged(orders, "ryw-0").as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    void aTransactionOnAClusterViewRunsOnThatClustersPrimaryAndRollsBackThere() {
        ConnectionFactory view = router.cluster("billing");
        TransactionalOperator transaction = TransactionalOperator.create(new RoutingTransactionManager(view));
        DatabaseClient client = DatabaseClient.create(view);
        Mono<Set<String>> where = client.sql("INSERT INTO clusters_rows (tag) VALUES ('tx-commit')").then()
                .then(client.sql("SELECT CONCAT(@@port, '/', CONNECTION_ID())").map(row -> row.get(0)).one())
                .zipWith(client.sql("SELECT CONCAT(@@port, '/', CONNECTION_ID())").map(row -> row.get(0)).one()
                        .contextWrite(withReplica()))
                .map(pair -> Set.copyOf(List.of(String.valueOf(pair.getT1()), String.valueOf(pair.getT2()))))
                .as(transaction::transactional);
        where.as(StepVerifier::create)
                .assertNext(places -> assertThat(places).hasSize(1).allSatisfy(place ->
                        assertThat(place).startsWith(billing.primary().port() + "/")))
                .verifyComplete();
        rowsTagged(billing, "tx-commit").as(StepVerifier::create).expectNext(1L).verifyComplete();

        client.sql("INSERT INTO clusters_rows (tag) VALUES ('tx-rollback')").then()
                .then(client.sql("INSERT INTO clusters_rows (tag) VALUES ('tx-rollback')").then())
                .then(Mono.error(new IllegalStateException("roll back")))
                .as(transaction::transactional)
                .as(StepVerifier::create)
                .expectErrorMessage("roll back")
                .verify();
        rowsTagged(billing, "tx-rollback").as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    void aTransactionBegunUnderTheClusterKeyKeepsItsConnectionOnThatCluster() {
        TransactionalOperator transaction = TransactionalOperator.create(new RoutingTransactionManager(router));
        DatabaseClient client = DatabaseClient.create(router);
        client.sql("INSERT INTO clusters_rows (tag) VALUES ('tx-key')").then()
                .then(client.sql("SELECT @@port").map(row -> ((Number) row.get(0)).intValue()).one())
                .as(transaction::transactional)
                .contextWrite(withCluster("billing"))
                .as(StepVerifier::create)
                .expectNext(billing.primary().port())
                .verifyComplete();
        rowsTagged(billing, "tx-key").as(StepVerifier::create).expectNext(1L).verifyComplete();
        rowsTagged(orders, "tx-key").as(StepVerifier::create).expectNext(0L).verifyComplete();
    }
}
