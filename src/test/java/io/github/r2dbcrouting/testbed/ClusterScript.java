package io.github.r2dbcrouting.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code scripts/mariadb-cluster.sh} for one cluster directory, one command at a time.
 * <p>
 * The script's output (which never contains passwords) goes to {@code DIR/last-command.log} and ends up in the
 * message of the exception thrown when a command fails.
 */
final class ClusterScript {

    /** System property naming the directory that holds {@code mariadb-cluster.sh}; Failsafe sets it. */
    static final String SCRIPTS_PROPERTY = "r2dbcrouting.scripts";

    static final String SCRIPT_NAME = "mariadb-cluster.sh";

    private static final int BINARIES_MISSING = 2;

    private static final String INSTALL_HINT = "install them with 'apt-get install -y mariadb-server' (as root), "
            + "or run scripts/ensure-mariadb.sh, then run the tests again";

    private final Path script;

    private final Path directory;

    private ClusterScript(Path script, Path directory) {
        this.script = script;
        this.directory = directory;
    }

    /**
     * Locates the script from the system property {@value #SCRIPTS_PROPERTY}, or in {@code scripts} under the
     * working directory when the property is not set.
     *
     * @param directory the cluster directory the commands work on
     * @return the script for that directory
     * @throws IllegalStateException if the script is not there
     */
    static ClusterScript locate(Path directory) {
        String configured = System.getProperty(SCRIPTS_PROPERTY);
        Path scripts = configured == null || configured.isBlank() ? Path.of("scripts") : Path.of(configured);
        Path script = scripts.resolve(SCRIPT_NAME).toAbsolutePath();
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException(SCRIPT_NAME + " not found at " + script + " (system property "
                    + SCRIPTS_PROPERTY + (configured == null ? " is not set" : "=" + configured)
                    + "): set " + SCRIPTS_PROPERTY + " to the project's scripts directory, or run from the project"
                    + " directory");
        }
        return new ClusterScript(script, directory);
    }

    Path directory() {
        return this.directory;
    }

    /**
     * Creates and starts the cluster; on failure the script has already stopped what it started.
     *
     * @return the script's summary: ports, server ids and pids
     */
    String start() {
        return run(Duration.ofMinutes(5), "start", this.directory.toString());
    }

    void stop() {
        run(Duration.ofMinutes(2), "stop", this.directory.toString());
    }

    void startServer(String name) {
        run(Duration.ofMinutes(2), "start-server", this.directory.toString(), name);
    }

    void killServer(String name) {
        run(Duration.ofSeconds(30), "kill-server", this.directory.toString(), name);
    }

    void pauseServer(String name) {
        run(Duration.ofSeconds(30), "pause-server", this.directory.toString(), name);
    }

    void resumeServer(String name) {
        run(Duration.ofSeconds(30), "resume-server", this.directory.toString(), name);
    }

    /**
     * @return the cluster's current {@code cluster.env}, which the script rewrites whenever a pid changes
     */
    ClusterEnv readEnv() {
        return ClusterEnv.read(this.directory.resolve("cluster.env"));
    }

    private synchronized String run(Duration timeout, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(this.script.toString());
        command.addAll(List.of(arguments));
        String description = SCRIPT_NAME + " " + String.join(" ", arguments);
        Path log = this.directory.resolve("last-command.log");
        try {
            Files.createDirectories(this.directory);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(description + " did not finish within " + timeout.toSeconds()
                        + "s; output so far:\n" + readOutput(log));
            }
            String output = readOutput(log);
            int exitCode = process.exitValue();
            if (exitCode == BINARIES_MISSING) {
                throw new IllegalStateException("MariaDB server binaries are missing (" + description
                        + " exited with 2): " + INSTALL_HINT + ".\n" + output);
            }
            if (exitCode != 0) {
                throw new IllegalStateException(description + " failed with exit code " + exitCode + ":\n" + output);
            }
            return output;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not run " + description + ": is bash installed?", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + description, ex);
        }
    }

    private static String readOutput(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).strip();
        }
        catch (IOException ex) {
            return "(no output: " + ex.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return "ClusterScript{" + this.script + " " + this.directory + "}";
    }
}
