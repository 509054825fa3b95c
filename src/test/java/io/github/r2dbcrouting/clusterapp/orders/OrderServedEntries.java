package io.github.r2dbcrouting.clusterapp.orders;

import io.github.r2dbcrouting.clusterapp.ServedEntry;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;

/**
 * Entries of the default cluster, with the server that read them.
 */
public interface OrderServedEntries extends ReactiveCrudRepository<ServedEntry, Long> {
}
