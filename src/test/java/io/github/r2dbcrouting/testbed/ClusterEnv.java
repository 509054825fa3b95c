package io.github.r2dbcrouting.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The {@code KEY=value} lines of {@code DIR/cluster.env}, as written by {@code scripts/mariadb-cluster.sh}.
 * <p>
 * {@link #toString()} lists the keys only: the file holds passwords.
 */
final class ClusterEnv {

    private final Path file;

    private final Map<String, String> values;

    private ClusterEnv(Path file, Map<String, String> values) {
        this.file = file;
        this.values = values;
    }

    static ClusterEnv read(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String trimmed = line.strip();
                int separator = trimmed.indexOf('=');
                if (trimmed.isEmpty() || trimmed.startsWith("#") || separator < 1) {
                    continue;
                }
                values.put(trimmed.substring(0, separator), trimmed.substring(separator + 1));
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not read " + file + ": did mariadb-cluster.sh start succeed?", ex);
        }
        return new ClusterEnv(file, Map.copyOf(values));
    }

    /**
     * @param key a key such as {@code DATABASE}
     * @return its value
     * @throws IllegalStateException if the key is missing or empty
     */
    String get(String key) {
        String value = this.values.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(this.file + " has no value for " + key + "; keys present: "
                    + this.values.keySet());
        }
        return value;
    }

    int port(String prefix) {
        String key = prefix + "_PORT";
        try {
            return Integer.parseInt(get(key));
        }
        catch (NumberFormatException ex) {
            throw new IllegalStateException(this.file + " has a " + key + " that is not a number: " + get(key), ex);
        }
    }

    /**
     * @param prefix {@code PRIMARY}, {@code REPLICA1} or {@code REPLICA2}
     * @return the pid of that server, empty while it is stopped or killed
     */
    OptionalLong pid(String prefix) {
        String value = this.values.getOrDefault(prefix + "_PID", "");
        return value.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
    }

    @Override
    public String toString() {
        return "ClusterEnv{" + this.file + " " + this.values.keySet() + "}";
    }
}
