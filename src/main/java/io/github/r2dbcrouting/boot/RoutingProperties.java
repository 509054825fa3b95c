package io.github.r2dbcrouting.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.r2dbcrouting.ReadYourWrites;
import io.github.r2dbcrouting.Route;
import io.github.r2dbcrouting.WritesOnReplicaRoute;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of a primary and its replicas, under {@code spring.r2dbc.routing}.
 * <pre class="code">
 * spring.r2dbc.routing.primary.url=r2dbc:mysql://db-primary:3306/app
 * spring.r2dbc.routing.primary.username=app
 * spring.r2dbc.routing.primary.password=secret
 * spring.r2dbc.routing.replicas[0].name=replica-1
 * spring.r2dbc.routing.replicas[0].url=r2dbc:mysql://app:secret@db-replica-1:3306/app
 * spring.r2dbc.routing.pool.max-size=20
 * </pre>
 */
@ConfigurationProperties(prefix = RoutingProperties.PREFIX)
public class RoutingProperties {

    /**
     * The prefix of every property of this library.
     */
    public static final String PREFIX = "spring.r2dbc.routing";

    /**
     * The primary, which takes every write.
     */
    private final Primary primary = new Primary();

    /**
     * The replicas: replicas[i].name, replicas[i].url, replicas[i].username, replicas[i].password,
     * replicas[i].weight, and replicas[i].pool.* to override the shared pool settings. Reads go to the primary when
     * there is none and fallback-to-primary is true.
     */
    private List<Replica> replicas = new ArrayList<>();

    /**
     * Pool settings shared by every target; a target's own pool settings override them.
     */
    private final Pool pool = new Pool();

    /**
     * How a replica is chosen for each replica-routed connection.
     */
    private ReplicaSelection replicaSelection = ReplicaSelection.ROUND_ROBIN;

    /**
     * Whether a replica-routed connection uses the primary when there is no replica, rather than failing.
     */
    private boolean fallbackToPrimary = true;

    /**
     * Route of pipelines that set none: PRIMARY (everything on the primary), AUTO (each connection picks its server
     * from its first unit of work: reads on a replica, writes on the primary) or REPLICA.
     */
    private Route defaultRoute = Route.PRIMARY;

    /**
     * What a connection on the replica route does with a write, a locking read or a read-write transaction:
     * ESCALATE runs it on the primary and keeps the connection there; FAIL refuses it before anything is sent.
     */
    private WritesOnReplicaRoute writesOnReplicaRoute = WritesOnReplicaRoute.ESCALATE;

    /**
     * How far a replica may be behind the primary and still receive reads, as measured by the monitor.
     */
    private Duration maxLag = Duration.ofSeconds(5);

    /**
     * How the replica reads of a request (a sticky scope) see the request's own writes.
     */
    private ReadYourWrites readYourWrites = ReadYourWrites.GTID;

    /**
     * Longest wait for a replica to apply a session's write (MASTER_GTID_WAIT) before the read goes to the primary.
     */
    private Duration readYourWritesTimeout = Duration.ofSeconds(1);

    /**
     * How long after a write a session reads from the primary, with read-your-writes time-window (and GTID servers
     * that report no position).
     */
    private Duration readYourWritesWindow = Duration.ofSeconds(2);

    /**
     * How long a statement on a replica connection may wait for the server's next answer before it fails, the
     * replica is taken out of rotation and the connection is closed. Unset: no bound.
     */
    private @Nullable Duration replicaStatementTimeout;

    /**
     * How many reads after a write may wait on a replica at once, each holding one of its connections.
     */
    private int maxReadYourWritesWaits = 4;

    /**
     * First rest of a replica that failed to hand out a connection; doubled after each further failure.
     */
    private Duration failoverBackoff = Duration.ofSeconds(1);

    /**
     * Longest rest of a failed replica.
     */
    private Duration maxFailoverBackoff = Duration.ofSeconds(30);

    /**
     * Background health and lag monitoring of the replicas.
     */
    private final Monitoring monitoring = new Monitoring();

    /**
     * Routing of WebFlux requests.
     */
    private final Web web = new Web();

    public Primary getPrimary() {
        return this.primary;
    }

    public List<Replica> getReplicas() {
        return this.replicas;
    }

    public void setReplicas(List<Replica> replicas) {
        this.replicas = replicas;
    }

    public Pool getPool() {
        return this.pool;
    }

    public ReplicaSelection getReplicaSelection() {
        return this.replicaSelection;
    }

    public void setReplicaSelection(ReplicaSelection replicaSelection) {
        this.replicaSelection = replicaSelection;
    }

    public boolean isFallbackToPrimary() {
        return this.fallbackToPrimary;
    }

    public void setFallbackToPrimary(boolean fallbackToPrimary) {
        this.fallbackToPrimary = fallbackToPrimary;
    }

    public Route getDefaultRoute() {
        return this.defaultRoute;
    }

    public void setDefaultRoute(Route defaultRoute) {
        this.defaultRoute = defaultRoute;
    }

    public WritesOnReplicaRoute getWritesOnReplicaRoute() {
        return this.writesOnReplicaRoute;
    }

    public void setWritesOnReplicaRoute(WritesOnReplicaRoute writesOnReplicaRoute) {
        this.writesOnReplicaRoute = writesOnReplicaRoute;
    }

    public Duration getMaxLag() {
        return this.maxLag;
    }

    public void setMaxLag(Duration maxLag) {
        this.maxLag = maxLag;
    }

    public Duration getReadYourWritesTimeout() {
        return this.readYourWritesTimeout;
    }

    public void setReadYourWritesTimeout(Duration readYourWritesTimeout) {
        this.readYourWritesTimeout = readYourWritesTimeout;
    }

    public @Nullable Duration getReplicaStatementTimeout() {
        return this.replicaStatementTimeout;
    }

    public void setReplicaStatementTimeout(@Nullable Duration replicaStatementTimeout) {
        this.replicaStatementTimeout = replicaStatementTimeout;
    }

    public int getMaxReadYourWritesWaits() {
        return this.maxReadYourWritesWaits;
    }

    public void setMaxReadYourWritesWaits(int maxReadYourWritesWaits) {
        this.maxReadYourWritesWaits = maxReadYourWritesWaits;
    }

    public Duration getReadYourWritesWindow() {
        return this.readYourWritesWindow;
    }

    public void setReadYourWritesWindow(Duration readYourWritesWindow) {
        this.readYourWritesWindow = readYourWritesWindow;
    }

    public Duration getFailoverBackoff() {
        return this.failoverBackoff;
    }

    public void setFailoverBackoff(Duration failoverBackoff) {
        this.failoverBackoff = failoverBackoff;
    }

    public Duration getMaxFailoverBackoff() {
        return this.maxFailoverBackoff;
    }

    public void setMaxFailoverBackoff(Duration maxFailoverBackoff) {
        this.maxFailoverBackoff = maxFailoverBackoff;
    }

    public ReadYourWrites getReadYourWrites() {
        return this.readYourWrites;
    }

    public void setReadYourWrites(ReadYourWrites readYourWrites) {
        this.readYourWrites = readYourWrites;
    }

    public Monitoring getMonitoring() {
        return this.monitoring;
    }

    public Web getWeb() {
        return this.web;
    }

    /**
     * Where a database is and how to log in to it.
     */
    public abstract static class Target {

        /**
         * R2DBC URL of the server, for example r2dbc:mysql://db-host:3306/app. A username or password in the URL
         * takes precedence over the username and password properties.
         */
        private @Nullable String url;

        /**
         * Login username, used when the URL has none.
         */
        private @Nullable String username;

        /**
         * Login password, used when the URL has none.
         */
        private @Nullable String password;

        /**
         * Pool settings of this target; each one that is not set comes from spring.r2dbc.routing.pool.
         */
        private final PoolOverride pool = new PoolOverride();

        public @Nullable String getUrl() {
            return this.url;
        }

        public void setUrl(@Nullable String url) {
            this.url = url;
        }

        public @Nullable String getUsername() {
            return this.username;
        }

        public void setUsername(@Nullable String username) {
            this.username = username;
        }

        public @Nullable String getPassword() {
            return this.password;
        }

        public void setPassword(@Nullable String password) {
            this.password = password;
        }

        public PoolOverride getPool() {
            return this.pool;
        }
    }

    /**
     * The primary.
     */
    public static class Primary extends Target {
    }

    /**
     * One replica.
     */
    public static class Replica extends Target {

        /**
         * Name of the replica, used in logs and errors; unique. Defaults to replica-N, N being its position
         * starting at 1.
         */
        private @Nullable String name;

        /**
         * Relative weight for replica-selection=weighted; positive.
         */
        private int weight = 1;

        public @Nullable String getName() {
            return this.name;
        }

        public void setName(@Nullable String name) {
            this.name = name;
        }

        public int getWeight() {
            return this.weight;
        }

        public void setWeight(int weight) {
            this.weight = weight;
        }
    }

    /**
     * Connection pool settings shared by every target.
     */
    public static class Pool {

        /**
         * Number of connections a pool opens when it is first used.
         */
        private int initialSize = 10;

        /**
         * Maximum number of connections of one pool.
         */
        private int maxSize = 10;

        /**
         * Maximum time a connection may sit idle in the pool.
         */
        private Duration maxIdleTime = Duration.ofMinutes(30);

        /**
         * Maximum time to wait for a connection from the pool. By default, wait indefinitely.
         */
        private @Nullable Duration maxAcquireTime;

        /**
         * Query that checks a connection before it is handed out. By default, the driver's own validation.
         */
        private @Nullable String validationQuery;

        public int getInitialSize() {
            return this.initialSize;
        }

        public void setInitialSize(int initialSize) {
            this.initialSize = initialSize;
        }

        public int getMaxSize() {
            return this.maxSize;
        }

        public void setMaxSize(int maxSize) {
            this.maxSize = maxSize;
        }

        public Duration getMaxIdleTime() {
            return this.maxIdleTime;
        }

        public void setMaxIdleTime(Duration maxIdleTime) {
            this.maxIdleTime = maxIdleTime;
        }

        public @Nullable Duration getMaxAcquireTime() {
            return this.maxAcquireTime;
        }

        public void setMaxAcquireTime(@Nullable Duration maxAcquireTime) {
            this.maxAcquireTime = maxAcquireTime;
        }

        public @Nullable String getValidationQuery() {
            return this.validationQuery;
        }

        public void setValidationQuery(@Nullable String validationQuery) {
            this.validationQuery = validationQuery;
        }
    }

    /**
     * Pool settings of one target. Each one that is not set comes from {@code spring.r2dbc.routing.pool}.
     */
    public static class PoolOverride {

        /**
         * Number of connections this target's pool opens when it is first used.
         */
        private @Nullable Integer initialSize;

        /**
         * Maximum number of connections of this target's pool.
         */
        private @Nullable Integer maxSize;

        /**
         * Maximum time a connection may sit idle in this target's pool.
         */
        private @Nullable Duration maxIdleTime;

        /**
         * Maximum time to wait for a connection from this target's pool.
         */
        private @Nullable Duration maxAcquireTime;

        /**
         * Query that checks a connection of this target before it is handed out.
         */
        private @Nullable String validationQuery;

        public @Nullable Integer getInitialSize() {
            return this.initialSize;
        }

        public void setInitialSize(@Nullable Integer initialSize) {
            this.initialSize = initialSize;
        }

        public @Nullable Integer getMaxSize() {
            return this.maxSize;
        }

        public void setMaxSize(@Nullable Integer maxSize) {
            this.maxSize = maxSize;
        }

        public @Nullable Duration getMaxIdleTime() {
            return this.maxIdleTime;
        }

        public void setMaxIdleTime(@Nullable Duration maxIdleTime) {
            this.maxIdleTime = maxIdleTime;
        }

        public @Nullable Duration getMaxAcquireTime() {
            return this.maxAcquireTime;
        }

        public void setMaxAcquireTime(@Nullable Duration maxAcquireTime) {
            this.maxAcquireTime = maxAcquireTime;
        }

        public @Nullable String getValidationQuery() {
            return this.validationQuery;
        }

        public void setValidationQuery(@Nullable String validationQuery) {
            this.validationQuery = validationQuery;
        }
    }

    /**
     * How a replica is chosen; see {@link io.github.r2dbcrouting.ReplicaSelector}.
     */
    public enum ReplicaSelection {

        /**
         * Take the replicas in turn.
         */
        ROUND_ROBIN,

        /**
         * Choose a replica uniformly at random.
         */
        RANDOM,

        /**
         * Choose a replica at random, in proportion to its weight.
         */
        WEIGHTED,

        /**
         * Choose the replica with the fewest connections in use.
         */
        LEAST_IN_USE
    }

    /**
     * Background health and lag monitoring of the replicas.
     */
    public static class Monitoring {

        /**
         * Whether to probe each replica's health and lag in the background. Needs a MySQL or MariaDB replica and
         * the right to read its replication status; turn it off for other databases.
         */
        private boolean enabled = true;

        /**
         * How often each replica is probed.
         */
        private Duration interval = Duration.ofSeconds(1);

        /**
         * How long one probe may take before the replica counts as unreachable.
         */
        private Duration timeout = Duration.ofSeconds(2);

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return this.interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getTimeout() {
            return this.timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /**
     * Routing of WebFlux requests by the {@link io.github.r2dbcrouting.web.RoutingWebFilter}.
     */
    public static class Web {

        /**
         * Whether requests with a read method go to a replica. When false, every request goes to the primary
         * unless its handler is annotated @UseReplica or its code applies Routing.withReplica().
         */
        private boolean enabled = true;

        /**
         * HTTP methods whose requests go to a replica; every other method goes to the primary.
         */
        private List<String> readMethods = Arrays.asList("GET", "HEAD", "OPTIONS");

        /**
         * Whether requests without @UsePrimary/@UseReplica take the AUTO route instead of the method rule: each
         * connection then picks its server from its first unit of work, whatever the HTTP method.
         */
        private boolean autoRoute = false;

        /**
         * Carrying a client's last write to its next request in a signed token, so that it reads its own writes
         * across requests.
         */
        private final SessionToken sessionToken = new SessionToken();

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getReadMethods() {
            return this.readMethods;
        }

        public void setReadMethods(List<String> readMethods) {
            this.readMethods = readMethods;
        }

        public boolean isAutoRoute() {
            return this.autoRoute;
        }

        public void setAutoRoute(boolean autoRoute) {
            this.autoRoute = autoRoute;
        }

        public SessionToken getSessionToken() {
            return this.sessionToken;
        }
    }

    /**
     * The signed read-your-writes token of the WebFlux filter (header X-Routing-Session, cookie ROUTING_SESSION).
     */
    public static class SessionToken {

        /**
         * Whether responses to requests that wrote carry a token, and requests that send one back read the write.
         */
        private boolean enabled = true;

        /**
         * Base64 HMAC-SHA256 key of at least 32 bytes, shared by every instance of the application. When unset, a
         * random key is generated at startup and tokens are honoured by that instance only.
         */
        private @Nullable String key;

        /**
         * How long a token is honoured after its write.
         */
        private Duration maxAge = Duration.ofMinutes(5);

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public @Nullable String getKey() {
            return this.key;
        }

        public void setKey(@Nullable String key) {
            this.key = key;
        }

        public Duration getMaxAge() {
            return this.maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }

        @Override
        public String toString() {
            return "SessionToken[enabled=" + this.enabled + ", key=" + (this.key == null ? "generated" : "****")
                    + ", maxAge=" + this.maxAge + "]";
        }
    }
}
