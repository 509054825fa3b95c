package io.github.r2dbcrouting.spring;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of the view {@code spring_served_note}: a note and the {@code @@server_id} of the server that read it.
 *
 * @param id the note's id
 * @param text the note
 * @param servedBy the server that read the row
 */
@Table("spring_served_note")
public record ServedNote(@Id Long id, String text, long servedBy) {
}
