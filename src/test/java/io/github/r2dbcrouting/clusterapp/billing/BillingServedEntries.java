package io.github.r2dbcrouting.clusterapp.billing;

import io.github.r2dbcrouting.clusterapp.ServedEntry;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;

/**
 * Entries of the billing cluster, with the server that read them.
 */
public interface BillingServedEntries extends ReactiveCrudRepository<ServedEntry, Long> {
}
