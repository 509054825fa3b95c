package io.github.r2dbcrouting.clusterapp.billing;

import io.github.r2dbcrouting.clusterapp.Entry;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;

/**
 * Entries of the billing cluster: this repository group uses a template over {@code router.cluster("billing")}.
 */
public interface BillingEntries extends ReactiveCrudRepository<Entry, Long> {
}
