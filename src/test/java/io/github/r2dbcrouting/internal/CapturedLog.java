package io.github.r2dbcrouting.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Captures what the library logs while an action runs, debug lines included.
 * <p>
 * The tests log through slf4j-simple, which by default looks up {@code System.err} at each line it writes (its
 * {@code SYS_ERR} output; {@code CACHED_SYS_ERR} only with {@code org.slf4j.simpleLogger.cacheOutputStream=true}), so
 * replacing {@code System.err} for the time of the action captures every line, from any thread. The library's loggers
 * are set to debug meanwhile and set back afterwards.
 */
public final class CapturedLog {

    private static final String[] LOGGERS = {
        "io.github.r2dbcrouting.ReadAfterWrite",
        "io.github.r2dbcrouting.ReplicaSet",
        "io.github.r2dbcrouting.ReplicationMonitor",
        "io.github.r2dbcrouting.RoutingConfiguration",
        "io.github.r2dbcrouting.RoutingConnectionFactory",
        "io.github.r2dbcrouting.SessionTokens",
        "io.github.r2dbcrouting.web.RoutingWebFilter",
    };

    private static final int DEBUG = 10;

    private CapturedLog() {
    }

    /**
     * Run {@code action} and return everything logged meanwhile.
     *
     * @param action what to run; what it throws is rethrown after the log is restored
     * @return the log lines
     */
    public static String during(Runnable action) {
        return during(action, new String[0]);
    }

    /**
     * Run {@code action}, then wait at most 5s until the log holds every one of {@code awaited} (lines that other
     * threads may write after the action returned, such as what a filter logs when a response is complete), and
     * return everything logged meanwhile.
     *
     * @param action what to run
     * @param awaited text the log must hold before it is returned
     * @return the log lines
     */
    public static String during(Runnable action, String... awaited) {
        List<Logger> loggers = new ArrayList<>();
        List<Integer> levels = new ArrayList<>();
        Field level = levelField();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            for (String name : LOGGERS) {
                checkExists(name);
                Logger logger = LoggerFactory.getLogger(name);
                loggers.add(logger);
                levels.add(level.getInt(logger));
                level.setInt(logger, DEBUG);
            }
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            action.run();
            Flux.interval(Duration.ZERO, Duration.ofMillis(20))
                    .map(tick -> captured.toString(StandardCharsets.UTF_8))
                    .filter(log -> Arrays.stream(awaited).allMatch(log::contains))
                    .next()
                    .timeout(Duration.ofSeconds(5), Mono.just(""))
                    .block();
        }
        catch (IllegalAccessException ex) {
            throw new IllegalStateException("Cannot set the level of slf4j-simple's loggers", ex);
        }
        finally {
            System.setErr(original);
            for (int i = 0; i < levels.size(); i++) {
                try {
                    level.setInt(loggers.get(i), levels.get(i));
                }
                catch (IllegalAccessException ex) {
                    throw new IllegalStateException("Cannot set back the level of " + loggers.get(i).getName(), ex);
                }
            }
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static Field levelField() {
        Logger any = LoggerFactory.getLogger(LOGGERS[0]);
        try {
            Field field = any.getClass().getDeclaredField("currentLogLevel");
            field.setAccessible(true);
            return field;
        }
        catch (NoSuchFieldException ex) {
            throw new IllegalStateException("The tests must log through slf4j-simple, whose loggers keep their level "
                    + "in currentLogLevel; found " + any.getClass().getName(), ex);
        }
    }

    private static void checkExists(String name) {
        try {
            Class.forName(name, false, CapturedLog.class.getClassLoader());
        }
        catch (ClassNotFoundException ex) {
            throw new IllegalStateException("No class " + name + ": update CapturedLog.LOGGERS", ex);
        }
    }
}
