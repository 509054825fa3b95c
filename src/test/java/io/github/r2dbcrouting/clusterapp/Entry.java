package io.github.r2dbcrouting.clusterapp;

import org.jspecify.annotations.Nullable;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of {@code cluster_entry}, a table that each cluster has.
 *
 * @param id the id, {@code null} until saved
 * @param text the text
 */
@Table("cluster_entry")
public record Entry(@Id @Nullable Long id, String text) {
}
