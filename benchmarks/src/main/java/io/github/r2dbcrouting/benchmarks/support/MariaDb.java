package io.github.r2dbcrouting.benchmarks.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.asyncer.r2dbc.mysql.MySqlConnectionConfiguration;
import io.asyncer.r2dbc.mysql.MySqlConnectionFactory;
import io.asyncer.r2dbc.mysql.constant.SslMode;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The real path: r2dbc-pool over {@code io.asyncer:r2dbc-mysql}, one pool for the primary and one per replica of
 * the test bed described by {@link ClusterEnv}.
 */
public final class MariaDb implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** {@code scripts/mariadb-cluster.sh} gives the primary server id 1 and the replicas 2 and 3. */
    private static final String PRIMARY_SERVER_ID = "1";

    private final List<Contenders> contenders = new ArrayList<>();

    /** Where the servers are. */
    public final ClusterEnv env;

    /** The primary's pool. */
    public final ConnectionPool primary;

    /** The pools of replica 1 and replica 2. */
    public final List<ConnectionPool> replicas;

    private MariaDb(ClusterEnv env) {
        this.env = env;
        this.primary = Pools.of("primary", driver(env, env.primaryPort));
        List<ConnectionPool> pools = new ArrayList<>();
        pools.add(Pools.of("replica-1", driver(env, env.replica1Port)));
        pools.add(Pools.of("replica-2", driver(env, env.replica2Port)));
        this.replicas = List.copyOf(pools);
    }

    /**
     * @return pools to the servers named by {@link ClusterEnv#load()}; no connection is opened yet
     * @throws IllegalStateException if the cluster is not configured
     */
    public static MariaDb open() {
        return new MariaDb(ClusterEnv.load());
    }

    /**
     * @param env the test bed
     * @param port the server's port
     * @return an unpooled r2dbc-mysql factory for that server
     */
    public static ConnectionFactory driver(ClusterEnv env, int port) {
        return MySqlConnectionFactory.from(MySqlConnectionConfiguration.builder()
                .host(env.host)
                .port(port)
                .user(env.username)
                .password(env.password())
                .database(env.database)
                .sslMode(SslMode.DISABLED)
                .tcpNoDelay(true)
                .connectTimeout(CONNECT_TIMEOUT)
                .build());
    }

    /**
     * The contenders on the real path all read from replica 1: the router and Spring's are built over the primary
     * and replica 1 only. All three then put the same load on the same server, and what differs is the routing
     * alone. (Spreading reads over both replicas changes how three servers and the client share two cores, which
     * is another question; the cost of choosing among replicas is measured on the stub.) The router keeps its
     * default background replication monitor, one status query per second on a connection of its own. Before
     * returning, this checks with {@code SELECT @@server_id} that the router and Spring's reach a replica.
     *
     * @return the contenders over the primary's and replica 1's pools, closed by {@link #close()}
     */
    public Contenders contenders() {
        Contenders made = Contenders.over(this.primary, this.replicas.subList(0, 1), true);
        this.contenders.add(made);
        made.requireReplicaRoutes(MariaDb::serverId, PRIMARY_SERVER_ID);
        return made;
    }

    private static Mono<String> serverId(Connection connection) {
        return Flux.from(connection.createStatement("SELECT @@server_id").execute())
                .flatMap(result -> result.map(row -> String.valueOf(row.get(0))))
                .last();
    }

    @Override
    public void close() {
        this.contenders.forEach(Contenders::close);
        List<ConnectionPool> all = new ArrayList<>(this.replicas);
        all.add(this.primary);
        Pools.closeAll(all);
    }

    @Override
    public String toString() {
        return "MariaDb[" + this.env + "]";
    }
}
