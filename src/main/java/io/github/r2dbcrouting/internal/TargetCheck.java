package io.github.r2dbcrouting.internal;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.ValidationDepth;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The outcome of connecting once to one target and asking the server whether the connection is valid
 * ({@code validate(REMOTE)}), bounded in time. Used by the health indicator and the startup check, which reach each
 * target directly, never through a route.
 *
 * @param target the target's name: {@code primary} or a replica's name
 * @param error why the check failed; {@code null} when it passed
 */
public record TargetCheck(String target, @Nullable Throwable error) {

    /**
     * Connect to {@code factory}, validate the connection on the server and close it. Never fails: a failure is
     * the outcome's {@link #error()}.
     *
     * @param target the target's name
     * @param factory where its connections come from
     * @param timeout how long connecting and validating may take together
     * @return the outcome
     */
    public static Mono<TargetCheck> of(String target, ConnectionFactory factory, Duration timeout) {
        return Mono.defer(() -> Mono.usingWhen(factory.create(),
                        connection -> Mono.from(connection.validate(ValidationDepth.REMOTE)),
                        Connection::close, (connection, error) -> connection.close(), Connection::close))
                .timeout(timeout)
                .defaultIfEmpty(false)
                .map(valid -> new TargetCheck(target, valid ? null
                        : new IllegalStateException("the server did not validate the connection")))
                .onErrorResume(error -> Mono.just(new TargetCheck(target, error instanceof TimeoutException
                        ? new TimeoutException("no answer within " + timeout.toMillis() + "ms") : error)));
    }

    /**
     * @return whether the target answered
     */
    public boolean ok() {
        return this.error == null;
    }

    /**
     * @return whether the server refused the login: a wrong username or password, or no right on the database
     */
    public boolean loginRefused() {
        for (Throwable cause = this.error; cause != null; cause = cause.getCause()) {
            if (cause instanceof R2dbcPermissionDeniedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return why the check failed, with the deepest cause's message (for example {@code Connection refused}),
     * passwords masked; empty when it passed
     */
    public String reason() {
        Throwable error = this.error;
        if (error == null) {
            return "";
        }
        String reason = message(error);
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != error) {
            String rootMessage = message(root);
            if (!reason.contains(rootMessage)) {
                reason = reason + ": " + rootMessage;
            }
        }
        return Masking.text(reason);
    }

    private static String message(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }

    @Override
    public String toString() {
        return this.target + (ok() ? ": ok" : ": " + reason());
    }
}
