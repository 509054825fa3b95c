package io.github.r2dbcrouting.spring;

/**
 * Where a statement ran, as the server says.
 *
 * @param serverId {@code @@server_id}: 1 for the primary, 2 and 3 for the replicas
 * @param connectionId {@code CONNECTION_ID()}
 */
public record Where(long serverId, long connectionId) {

    /**
     * The query that reports it.
     */
    static final String SQL = "SELECT @@server_id AS server_id, CONNECTION_ID() AS connection_id";

    boolean onPrimary() {
        return this.serverId == 1;
    }

    boolean onReplica() {
        return this.serverId == 2 || this.serverId == 3;
    }
}
