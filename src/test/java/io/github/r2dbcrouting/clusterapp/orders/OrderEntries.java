package io.github.r2dbcrouting.clusterapp.orders;

import io.github.r2dbcrouting.clusterapp.Entry;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;

/**
 * Entries of the default cluster.
 */
public interface OrderEntries extends ReactiveCrudRepository<Entry, Long> {
}
