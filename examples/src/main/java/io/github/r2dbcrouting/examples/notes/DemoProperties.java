package io.github.r2dbcrouting.examples.notes;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.lang.Nullable;

/**
 * Settings of the demo, under {@code demo}.
 *
 * @param servedByQuery a query that names the server it runs on, for the {@code X-Served-By} header
 * @param h2Primary in the embedded mode, the JDBC URL of the primary's in-memory H2 database: each replica database
 * then reads the primary's table through a read-only H2 linked table, a stand-in for replication with no lag. Empty
 * with real servers, whose replication copies the table.
 */
@ConfigurationProperties("demo")
public record DemoProperties(String servedByQuery, @Nullable String h2Primary) {
}
