package io.github.r2dbcrouting.clusterapp;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of the view {@code cluster_entry_served}: an entry and the {@code @@port} of the server that read it.
 *
 * @param id the entry's id
 * @param text the entry's text
 * @param servedPort the port of the server that read the row
 */
@Table("cluster_entry_served")
public record ServedEntry(@Id Long id, String text, int servedPort) {
}
