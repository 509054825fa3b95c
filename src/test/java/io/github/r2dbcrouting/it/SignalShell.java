package io.github.r2dbcrouting.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.testbed.MariaDbServer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Stops and resumes one server (SIGSTOP, SIGCONT) through the builtin {@code kill} of a shell started in advance, so
 * that a signal costs a line written to a pipe rather than the start of a process. On a busy machine starting a
 * process can take longer than the short windows a flapping server needs; {@link MariaDbServer#pause()} starts one
 * for each signal. Each call returns once the shell reports the signal sent, or fails after five seconds.
 */
final class SignalShell implements AutoCloseable {

    private static final Duration REPLY_WITHIN = Duration.ofSeconds(5);

    private final Process shell;

    private final Writer commands;

    private final BufferedReader replies;

    private final long pid;

    private SignalShell(MariaDbServer server) {
        this.pid = server.pid();
        try {
            this.shell = new ProcessBuilder("bash").redirectErrorStream(true).start();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not start bash to signal " + server, ex);
        }
        this.commands = new OutputStreamWriter(this.shell.getOutputStream(), StandardCharsets.UTF_8);
        this.replies = new BufferedReader(new InputStreamReader(this.shell.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * @param server a running server
     * @return a shell ready to signal it
     */
    static SignalShell of(MariaDbServer server) {
        return new SignalShell(server);
    }

    /**
     * Send SIGSTOP: the server keeps its connections and port but answers nothing.
     */
    void pause() {
        send("STOP");
    }

    /**
     * Send SIGCONT.
     */
    void resume() {
        send("CONT");
    }

    private void send(String signal) {
        String reply;
        try {
            this.commands.write("kill -" + signal + " " + this.pid + " && echo sent\n");
            this.commands.flush();
            reply = Mono.fromCallable(this.replies::readLine)
                    .subscribeOn(Schedulers.boundedElastic())
                    .block(REPLY_WITHIN);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not send SIG" + signal + " to pid " + this.pid, ex);
        }
        if (!"sent".equals(reply)) {
            throw new IllegalStateException("SIG" + signal + " to pid " + this.pid + " failed: " + reply);
        }
    }

    @Override
    public void close() {
        try {
            this.commands.close();
            if (!this.shell.waitFor(REPLY_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                this.shell.destroyForcibly();
            }
        }
        catch (IOException ex) {
            this.shell.destroyForcibly();
        }
        catch (InterruptedException ex) {
            this.shell.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
