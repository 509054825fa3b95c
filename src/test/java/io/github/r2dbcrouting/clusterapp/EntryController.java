package io.github.r2dbcrouting.clusterapp;

import java.util.List;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.clusterapp.billing.BillingEntries;
import io.github.r2dbcrouting.clusterapp.billing.BillingServedEntries;
import io.github.r2dbcrouting.clusterapp.orders.OrderEntries;
import io.github.r2dbcrouting.clusterapp.orders.OrderServedEntries;
import io.github.r2dbcrouting.web.UseCluster;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /orders/...} uses the default cluster's repositories and transaction manager, {@code /billing/...} the
 * billing cluster's. GETs read on a replica and POSTs write on the primary, as the routing filter decides.
 */
@RestController
class EntryController {

    private final Cluster orders;

    private final Cluster billing;

    private final DatabaseClient router;

    EntryController(OrderEntries orderEntries, OrderServedEntries orderServed,
            BillingEntries billingEntries, BillingServedEntries billingServed,
            ReactiveTransactionManager transactionManager,
            @Qualifier("billingTransactionManager") ReactiveTransactionManager billingTransactionManager,
            RoutingConnectionFactory router) {
        this.orders = new Cluster(orderEntries, orderServed, TransactionalOperator.create(transactionManager));
        this.billing = new Cluster(billingEntries, billingServed,
                TransactionalOperator.create(billingTransactionManager));
        this.router = DatabaseClient.create(router);
    }

    private Cluster cluster(String name) {
        return "billing".equals(name) ? this.billing : this.orders;
    }

    /**
     * @return the ports of the servers that read the entries
     */
    @GetMapping("/{cluster}/entries")
    Mono<List<Integer>> read(@PathVariable("cluster") String cluster) {
        return cluster(cluster).served.findAll().map(ServedEntry::servedPort).collectList();
    }

    /**
     * Save an entry and read it back, in one transaction.
     *
     * @return the port of the server that read it back
     */
    @PostMapping("/{cluster}/entries")
    Mono<Integer> write(@PathVariable("cluster") String cluster, @RequestParam("text") String text) {
        Cluster target = cluster(cluster);
        return target.entries.save(new Entry(null, text))
                .flatMap(saved -> target.served.findById(saved.id()))
                .map(ServedEntry::servedPort)
                .as(target.transaction::transactional);
    }

    /**
     * Save two entries, then fail: the transaction rolls both back.
     */
    @PostMapping("/{cluster}/entries/failing")
    Mono<Integer> failing(@PathVariable("cluster") String cluster, @RequestParam("text") String text) {
        Cluster target = cluster(cluster);
        return target.entries.save(new Entry(null, text))
                .then(target.entries.save(new Entry(null, text)))
                .then(Mono.<Integer>error(new IllegalStateException("roll back")))
                .as(target.transaction::transactional);
    }

    /**
     * @return the port of the server that answers the router's own client under {@code @UseCluster("billing")}
     */
    @GetMapping("/annotated/billing/port")
    @UseCluster("billing")
    Mono<Integer> annotatedPort() {
        return this.router.sql("SELECT @@port").map(row -> ((Number) row.get(0)).intValue()).one();
    }

    private record Cluster(ReactiveCrudRepository<Entry, Long> entries,
            ReactiveCrudRepository<ServedEntry, Long> served, TransactionalOperator transaction) {
    }
}
