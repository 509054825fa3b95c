package io.github.r2dbcrouting.testbed;

import java.time.Duration;

import io.asyncer.r2dbc.mysql.MySqlConnectionFactoryProvider;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;

/**
 * One server of a {@link MariaDbCluster}: the primary, {@code replica-1} or {@code replica-2}.
 * <p>
 * The server listens on {@code 127.0.0.1:}{@link #port()}. The {@linkplain #options() app user} has every
 * privilege on database {@code app} and no global one, so {@code read_only} stops its writes on a replica; the
 * {@linkplain #adminOptions() admin user} has every privilege, for {@code STOP SLAVE} and the like.
 */
public final class MariaDbServer {

    private static final String HOST = "127.0.0.1";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final String name;

    private final String envPrefix;

    private final int serverId;

    private final ClusterScript script;

    private final int port;

    private final ConnectionFactoryOptions options;

    private final ConnectionFactoryOptions adminOptions;

    private final ConnectionFactory connectionFactory;

    private final ConnectionFactory adminConnectionFactory;

    MariaDbServer(String name, String envPrefix, int serverId, ClusterScript script, ClusterEnv env) {
        this.name = name;
        this.envPrefix = envPrefix;
        this.serverId = serverId;
        this.script = script;
        this.port = env.port(envPrefix);
        this.options = options(this.port, env.get("DATABASE"), env.get("USERNAME"), env.get("PASSWORD"));
        this.adminOptions = options(this.port, env.get("DATABASE"), env.get("ADMIN_USERNAME"),
                env.get("ADMIN_PASSWORD"));
        this.connectionFactory = ConnectionFactories.get(this.options);
        this.adminConnectionFactory = ConnectionFactories.get(this.adminOptions);
    }

    private static ConnectionFactoryOptions options(int port, String database, String user, String password) {
        return ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "mysql")
                .option(ConnectionFactoryOptions.HOST, HOST)
                .option(ConnectionFactoryOptions.PORT, port)
                .option(ConnectionFactoryOptions.DATABASE, database)
                .option(ConnectionFactoryOptions.USER, user)
                .option(ConnectionFactoryOptions.PASSWORD, password)
                .option(ConnectionFactoryOptions.CONNECT_TIMEOUT, CONNECT_TIMEOUT)
                // The servers run with time_zone +00:00: read and write TIMESTAMPs in UTC as well, so that
                // they do not shift by the JVM's zone.
                .option(MySqlConnectionFactoryProvider.CONNECTION_TIME_ZONE, "UTC")
                .build();
    }

    /**
     * @return {@code primary}, {@code replica-1} or {@code replica-2}
     */
    public String name() {
        return this.name;
    }

    /**
     * @return the loopback port the server listens on; it stays the same across {@link #kill()} and
     *         {@link #start()}
     */
    public int port() {
        return this.port;
    }

    /**
     * @return the server's {@code @@server_id}: 1 for the primary, 2 and 3 for the replicas
     */
    public int serverId() {
        return this.serverId;
    }

    /**
     * @return the pid of the running {@code mariadbd}
     * @throws IllegalStateException if the server is not running
     */
    public long pid() {
        return this.script.readEnv()
                .pid(this.envPrefix)
                .orElseThrow(() -> new IllegalStateException(this.name + " is not running: call start()"));
    }

    /**
     * @return whether the server runs, that is, it was not {@link #kill() killed} or was started again
     */
    public boolean isRunning() {
        return this.script.readEnv().pid(this.envPrefix).isPresent();
    }

    /**
     * Options for the app user on database {@code app}, with r2dbc-mysql's {@code connectionTimeZone} set to
     * {@code UTC}. The password is a {@linkplain io.r2dbc.spi.Option#sensitiveValueOf(String) sensitive}
     * option, printed as {@code REDACTED}.
     *
     * @return options for {@link ConnectionFactories#get(ConnectionFactoryOptions)}
     */
    public ConnectionFactoryOptions options() {
        return this.options;
    }

    /**
     * Options like {@link #options()} but for the admin user, who has every privilege on every database.
     *
     * @return options for {@link ConnectionFactories#get(ConnectionFactoryOptions)}
     */
    public ConnectionFactoryOptions adminOptions() {
        return this.adminOptions;
    }

    /**
     * @return an unpooled connection factory for {@link #options()}: every {@code create()} opens a new
     *         connection as the app user
     */
    public ConnectionFactory connectionFactory() {
        return this.connectionFactory;
    }

    /**
     * @return an unpooled connection factory for {@link #adminOptions()}
     */
    public ConnectionFactory adminConnectionFactory() {
        return this.adminConnectionFactory;
    }

    /**
     * Kills the server with SIGKILL, as a crash would, and returns once the process is gone. Open connections
     * fail. Blocks.
     */
    public void kill() {
        this.script.killServer(this.name);
    }

    /**
     * Stops the server with SIGSTOP: it keeps its connections and its port but answers nothing, as a hung disk or
     * a network partition looks. {@link #resume()} undoes it; stopping the cluster resumes it first. Blocks until
     * the signal is sent.
     */
    public void pause() {
        this.script.pauseServer(this.name);
    }

    /**
     * Resumes a {@link #pause() paused} server with SIGCONT. Blocks until the signal is sent.
     */
    public void resume() {
        this.script.resumeServer(this.name);
    }

    /**
     * Starts the server again on the same port and data, and returns once it accepts connections. A replica
     * then resumes replication by itself; {@link MariaDbCluster#awaitReplication()} waits until it caught up.
     * Blocks.
     *
     * @throws IllegalStateException if the server is already running or does not start
     */
    public void start() {
        this.script.startServer(this.name);
    }

    @Override
    public String toString() {
        return this.name + " (" + HOST + ":" + this.port + ", server_id=" + this.serverId + ")";
    }
}
