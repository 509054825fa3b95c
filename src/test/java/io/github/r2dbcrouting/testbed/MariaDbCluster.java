package io.github.r2dbcrouting.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A MariaDB primary with two GTID replicas, running on loopback ports, and the JUnit 5 extension that starts
 * it.
 * <p>
 * As an extension, it starts one cluster per JVM, the first time a test class that uses it runs, and stops it
 * when all tests are done (or, failing that, when the JVM exits). Test methods, constructors and lifecycle
 * methods receive the cluster as a parameter:
 * <pre>
 * &#64;ExtendWith(MariaDbCluster.class)
 * final class ReplicaReadsIT {
 *
 *     &#64;Test
 *     void rowWrittenOnPrimaryCanBeReadOnReplica(MariaDbCluster cluster) {
 *         Sql.execute(cluster.primary().connectionFactory(), "INSERT INTO item VALUES (1)")
 *                 .then(cluster.awaitReplication())
 *                 .then(Sql.queryOne(cluster.replica(1).connectionFactory(), "SELECT COUNT(*) FROM item", Long.class))
 *                 .as(StepVerifier::create)
 *                 .expectNext(1L)
 *                 .verifyComplete();
 *     }
 * }
 * </pre>
 * The cluster is shared by every test class, so tests should use their own tables. A test that
 * {@linkplain MariaDbServer#kill() kills} a server should {@linkplain MariaDbServer#start() start} it again.
 * <p>
 * The servers come from {@code scripts/mariadb-cluster.sh}, found through the system property
 * {@value ClusterScript#SCRIPTS_PROPERTY} (Failsafe sets it) or else in {@code scripts} under the working
 * directory. When MariaDB is not installed, the tests fail with a message that says how to install it.
 */
public final class MariaDbCluster implements BeforeAllCallback, ParameterResolver {

    private static final Logger logger = Loggers.getLogger(MariaDbCluster.class);

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MariaDbCluster.class);

    private static final int GTID_WAIT_SECONDS = 10;

    private final @Nullable Running running;

    /**
     * Creates the JUnit extension; JUnit calls this for {@code @ExtendWith(MariaDbCluster.class)}. Take the
     * started cluster as a parameter, or call {@link #start()}: this instance has no servers.
     */
    public MariaDbCluster() {
        this.running = null;
    }

    private MariaDbCluster(Running running) {
        this.running = running;
    }

    /**
     * Starts a new cluster in a new temporary directory, outside JUnit, and returns once both replicas caught
     * up with the primary; about two seconds. A JVM shutdown hook stops it should {@link #stop()} not be called.
     * Blocks.
     *
     * @return the started cluster
     * @throws IllegalStateException if it does not start, with the script's output, or if MariaDB is not
     *         installed, with how to install it
     */
    public static MariaDbCluster start() {
        Path directory = createDirectory();
        ClusterScript script = ClusterScript.locate(directory);
        String summary;
        try {
            summary = script.start();
        }
        catch (RuntimeException ex) {
            deleteQuietly(directory);
            throw ex;
        }
        logger.info(summary);
        ClusterEnv env = script.readEnv();
        MariaDbCluster cluster = new MariaDbCluster(new Running(script,
                new MariaDbServer("primary", "PRIMARY", 1, script, env),
                List.of(new MariaDbServer("replica-1", "REPLICA1", 2, script, env),
                        new MariaDbServer("replica-2", "REPLICA2", 3, script, env))));
        cluster.running().registerShutdownHook(cluster);
        return cluster;
    }

    /**
     * @return the primary, {@code server_id} 1, the only server that accepts writes from the app user
     */
    public MariaDbServer primary() {
        return running().primary;
    }

    /**
     * @param index 1 or 2
     * @return {@code replica-1} ({@code server_id} 2) or {@code replica-2} ({@code server_id} 3)
     * @throws IllegalArgumentException if index is neither 1 nor 2
     */
    public MariaDbServer replica(int index) {
        List<MariaDbServer> replicas = running().replicas;
        if (index < 1 || index > replicas.size()) {
            throw new IllegalArgumentException("Replica index must be between 1 and " + replicas.size()
                    + ", was " + index);
        }
        return replicas.get(index - 1);
    }

    /**
     * @return both replicas, {@code replica-1} first
     */
    public List<MariaDbServer> replicas() {
        return running().replicas;
    }

    /**
     * @return the directory holding the servers' data, error logs and {@code cluster.env}
     */
    public Path directory() {
        return running().script.directory();
    }

    /**
     * Waits until every running replica has applied everything the primary wrote so far.
     * <p>
     * When subscribed, reads the primary's {@code @@gtid_binlog_pos}, then calls {@code MASTER_GTID_WAIT} with
     * it on each replica that is {@linkplain MariaDbServer#isRunning() running}, as the admin user. Errors with an
     * {@link IllegalStateException} that includes the replica's {@code SHOW SLAVE STATUS} if a replica has not
     * caught up within 10 seconds.
     *
     * @return a {@link Mono} that completes once the replicas caught up
     */
    public Mono<Void> awaitReplication() {
        Running running = running();
        return Mono.defer(() -> {
            List<MariaDbServer> replicas = running.replicas.stream().filter(MariaDbServer::isRunning).toList();
            return Sql.queryOne(running.primary.adminConnectionFactory(), "SELECT @@gtid_binlog_pos", String.class)
                    .defaultIfEmpty("")
                    .flatMapMany(position -> Flux.fromIterable(replicas)
                            .flatMap(replica -> awaitPosition(replica, position)))
                    .then();
        });
    }

    private static Mono<Void> awaitPosition(MariaDbServer replica, String position) {
        return Sql.queryOne(replica.adminConnectionFactory(), "SELECT MASTER_GTID_WAIT(?, ?)", Long.class,
                        position, GTID_WAIT_SECONDS)
                .defaultIfEmpty(-2L)
                .flatMap(result -> result == 0 ? Mono.<Void>empty() : replicationStatus(replica)
                        .flatMap(status -> Mono.error(new IllegalStateException(replica + " has not applied the"
                                + " primary's GTID position '" + position + "' within " + GTID_WAIT_SECONDS
                                + "s (MASTER_GTID_WAIT returned " + result + "); " + status))));
    }

    private static Mono<String> replicationStatus(MariaDbServer replica) {
        return Sql.query(replica.adminConnectionFactory(), "SHOW SLAVE STATUS", MariaDbCluster::describeStatus)
                .next()
                .defaultIfEmpty("it is not replicating (SHOW SLAVE STATUS is empty)")
                .onErrorResume(ex -> Mono.just("SHOW SLAVE STATUS failed: " + ex.getMessage()));
    }

    private static String describeStatus(Readable row) {
        return "Slave_IO_Running=" + row.get("Slave_IO_Running", String.class)
                + ", Slave_SQL_Running=" + row.get("Slave_SQL_Running", String.class)
                + ", Gtid_IO_Pos=" + row.get("Gtid_IO_Pos", String.class)
                + ", Last_IO_Error=" + row.get("Last_IO_Error", String.class)
                + ", Last_SQL_Error=" + row.get("Last_SQL_Error", String.class);
    }

    /**
     * Stops every server (SIGTERM, then SIGKILL after 30 seconds) and deletes the cluster's directory. Safe to
     * call twice. Blocks.
     */
    public void stop() {
        running().stop();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        shared(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == MariaDbCluster.class;
    }

    @Override
    public MariaDbCluster resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return shared(extensionContext);
    }

    private static MariaDbCluster shared(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedCluster.class, key -> new SharedCluster(start()), SharedCluster.class)
                .cluster;
    }

    private Running running() {
        Running running = this.running;
        if (running == null) {
            throw new IllegalStateException("This MariaDbCluster is the JUnit extension and has no servers: take a"
                    + " MariaDbCluster parameter in a test class annotated with @ExtendWith(MariaDbCluster.class),"
                    + " or call MariaDbCluster.start()");
        }
        return running;
    }

    private static Path createDirectory() {
        // Unix socket paths are limited to about 100 characters: prefer the short /tmp to java.io.tmpdir, which
        // is long on macOS.
        Path tmp = Path.of("/tmp");
        try {
            if (Files.isDirectory(tmp) && Files.isWritable(tmp)) {
                return Files.createTempDirectory(tmp, "r2dbc-routing-");
            }
            return Files.createTempDirectory("r2dbc-routing-");
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not create a directory for the MariaDB cluster", ex);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (IOException | UncheckedIOException ex) {
            logger.warn("Could not delete " + directory + ": " + ex.getMessage());
        }
    }

    @Override
    public String toString() {
        Running running = this.running;
        if (running == null) {
            return "MariaDbCluster{extension}";
        }
        return "MariaDbCluster{" + running.primary + ", " + running.replicas + " in " + running.script.directory()
                + "}";
    }

    /** The servers of a started cluster; stopping is idempotent. */
    private static final class Running {

        private final ClusterScript script;

        private final MariaDbServer primary;

        private final List<MariaDbServer> replicas;

        private final AtomicBoolean stopped = new AtomicBoolean();

        private @Nullable Thread shutdownHook;

        Running(ClusterScript script, MariaDbServer primary, List<MariaDbServer> replicas) {
            this.script = script;
            this.primary = primary;
            this.replicas = replicas;
        }

        void registerShutdownHook(MariaDbCluster cluster) {
            Thread hook = new Thread(this::stopQuietly, "mariadb-cluster-stop");
            this.shutdownHook = hook;
            Runtime.getRuntime().addShutdownHook(hook);
        }

        void stop() {
            if (!this.stopped.compareAndSet(false, true)) {
                return;
            }
            try {
                this.script.stop();
            }
            catch (RuntimeException ex) {
                this.stopped.set(false);
                throw ex;
            }
            deleteQuietly(this.script.directory());
            logger.info("Stopped the MariaDB cluster in " + this.script.directory());
            Thread hook = this.shutdownHook;
            if (hook != null && Thread.currentThread() != hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
                catch (IllegalStateException ex) {
                    // The JVM is shutting down already; the hook finds the cluster stopped.
                }
            }
        }

        private void stopQuietly() {
            try {
                stop();
            }
            catch (RuntimeException ex) {
                logger.error("Could not stop the MariaDB cluster in " + this.script.directory(), ex);
            }
        }
    }

    /** The JVM's cluster in JUnit's root store, which closes it when all tests are done. */
    private static final class SharedCluster implements ExtensionContext.Store.CloseableResource {

        private final MariaDbCluster cluster;

        SharedCluster(MariaDbCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public void close() {
            this.cluster.stop();
        }
    }
}
