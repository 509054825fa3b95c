package io.github.r2dbcrouting.benchmarks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the real MariaDB primary and its two replicas listen, and how to log in.
 * <p>
 * Read from the file named by the system property {@value #FILE_PROPERTY}, in the {@code KEY=value} format that
 * {@code scripts/mariadb-cluster.sh start DIR} writes to {@code DIR/cluster.env}; or, without it, from the system
 * properties {@code primary.port}, {@code replica1.port}, {@code replica2.port} and optionally {@code database},
 * {@code username}, {@code password}. {@code benchmarks/run.sh} starts the servers and sets the property.
 */
public final class ClusterEnv {

    /** System property naming the {@code cluster.env} file. */
    public static final String FILE_PROPERTY = "cluster.env";

    private static final String HOW_TO = "The real-MariaDB benchmarks need a running primary and two replicas: run "
            + "them with 'bash benchmarks/run.sh', or start a cluster with 'scripts/mariadb-cluster.sh start DIR' "
            + "and pass -D" + FILE_PROPERTY + "=DIR/cluster.env (or -Dprimary.port=... -Dreplica1.port=... "
            + "-Dreplica2.port=...) to java -jar benchmarks.jar";

    /** The loopback address the test bed listens on. */
    public final String host = "127.0.0.1";

    /** The primary's port. */
    public final int primaryPort;

    /** Replica 1's port. */
    public final int replica1Port;

    /** Replica 2's port. */
    public final int replica2Port;

    /** The database, {@code app} on the test bed. */
    public final String database;

    /** The user, {@code app} on the test bed. */
    public final String username;

    private final String password;

    private ClusterEnv(Map<String, String> values, String source) {
        this.primaryPort = port(values, "PRIMARY_PORT", source);
        this.replica1Port = port(values, "REPLICA1_PORT", source);
        this.replica2Port = port(values, "REPLICA2_PORT", source);
        this.database = values.getOrDefault("DATABASE", "app");
        this.username = values.getOrDefault("USERNAME", "app");
        this.password = values.getOrDefault("PASSWORD", "app-secret");
    }

    /**
     * @return the settings from {@value #FILE_PROPERTY} or from the port properties
     * @throws IllegalStateException if neither is given, or the file is missing or incomplete
     */
    public static ClusterEnv load() {
        String file = System.getProperty(FILE_PROPERTY);
        if (file != null && !file.isBlank()) {
            return new ClusterEnv(readFile(Path.of(file)), file);
        }
        if (System.getProperty("primary.port") == null) {
            throw new IllegalStateException("Neither -D" + FILE_PROPERTY + " nor -Dprimary.port is set. " + HOW_TO);
        }
        Map<String, String> values = new HashMap<>();
        values.put("PRIMARY_PORT", System.getProperty("primary.port"));
        values.put("REPLICA1_PORT", System.getProperty("replica1.port"));
        values.put("REPLICA2_PORT", System.getProperty("replica2.port"));
        putIfSet(values, "DATABASE", "database");
        putIfSet(values, "USERNAME", "username");
        putIfSet(values, "PASSWORD", "password");
        return new ClusterEnv(values, "system properties");
    }

    /**
     * @return the password; kept out of {@link #toString()}
     */
    public String password() {
        return this.password;
    }

    private static Map<String, String> readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("-D" + FILE_PROPERTY + "=" + file + ": no such file. " + HOW_TO);
        }
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int equals = line.indexOf('=');
                if (equals > 0 && !line.startsWith("#")) {
                    values.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read " + file, ex);
        }
        return values;
    }

    private static void putIfSet(Map<String, String> values, String key, String property) {
        String value = System.getProperty(property);
        if (value != null) {
            values.put(key, value);
        }
    }

    private static int port(Map<String, String> values, String key, String source) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(key + " is missing from " + source + ". " + HOW_TO);
        }
        try {
            return Integer.parseInt(value.trim());
        }
        catch (NumberFormatException ex) {
            throw new IllegalStateException(key + "=" + value + " in " + source + " is not a port. " + HOW_TO);
        }
    }

    @Override
    public String toString() {
        return "ClusterEnv[primary=" + this.host + ":" + this.primaryPort + ", replica-1=" + this.host + ":"
                + this.replica1Port + ", replica-2=" + this.host + ":" + this.replica2Port + ", database="
                + this.database + ", username=" + this.username + ", password=****]";
    }
}
