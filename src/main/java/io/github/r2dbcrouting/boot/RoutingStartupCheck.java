package io.github.r2dbcrouting.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.internal.TargetCheck;
import io.github.r2dbcrouting.replica.Replica;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Connects once to the primary and to each replica when the application starts, on a connection of its own (never
 * one of the pools'), and reports each target it cannot reach or log in to, with the property to fix:
 * {@code spring.r2dbc.routing.startup-check=fail} stops startup with a {@link RoutingStartupCheckException},
 * {@code warn} logs one warning per target and lets startup go on without waiting for the answers.
 */
final class RoutingStartupCheck implements SmartInitializingSingleton {

    private static final Logger logger = Loggers.getLogger(RoutingStartupCheck.class);

    /**
     * How long one target may take to accept a connection and a login.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final RoutingConnectionFactory router;

    private final RoutingProperties properties;

    RoutingStartupCheck(RoutingConnectionFactory router, RoutingProperties properties) {
        this.router = router;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        RoutingProperties.StartupCheck mode = this.properties.getStartupCheck();
        if (mode == RoutingProperties.StartupCheck.OFF) {
            return;
        }
        Mono<List<TargetCheck>> checks = checks();
        if (mode == RoutingProperties.StartupCheck.WARN) {
            checks.subscribe(this::warn, error -> logger.warn("The startup check of the R2DBC routing targets "
                    + "failed: {}", error.toString()));
            return;
        }
        // Startup must wait here: with startup-check=fail, the application must not start on targets it cannot use.
        List<TargetCheck> outcomes = checks.block(TIMEOUT.plusSeconds(5));
        List<TargetCheck> failed = outcomes == null ? List.of()
                : outcomes.stream().filter(check -> !check.ok()).toList();
        if (!failed.isEmpty()) {
            List<String> problems = new ArrayList<>();
            List<String> actions = new ArrayList<>();
            for (TargetCheck check : failed) {
                problems.add(problem(check));
                actions.add(action(check));
            }
            throw new RoutingStartupCheckException("The startup check could not connect to "
                    + (failed.size() == 1 ? "one target" : failed.size() + " targets") + " of the R2DBC routing "
                    + "ConnectionFactory:\n    " + String.join("\n    ", problems),
                    String.join("\n", actions) + "\nOr set " + RoutingProperties.PREFIX + ".startup-check=warn to "
                            + "start anyway (the router serves reads from the replicas it can reach).");
        }
    }

    private Mono<List<TargetCheck>> checks() {
        List<Mono<TargetCheck>> checks = new ArrayList<>();
        checks.add(TargetCheck.of(RoutingConfiguration.PRIMARY, direct(this.router.unwrap()), TIMEOUT));
        for (Replica replica : this.router.replicas()) {
            checks.add(TargetCheck.of(replica.name(),
                    direct(this.router.replicaConnectionFactory(replica.name())), TIMEOUT));
        }
        return Flux.mergeSequential(checks).collectList();
    }

    private void warn(List<TargetCheck> outcomes) {
        for (TargetCheck check : outcomes) {
            if (!check.ok()) {
                logger.warn("{}; starting anyway because {}.startup-check=warn. {}", problem(check),
                        RoutingProperties.PREFIX, action(check));
            }
        }
    }

    /**
     * The pool's own factory, so that the check opens one connection and takes none from the application's pool.
     */
    private static ConnectionFactory direct(ConnectionFactory factory) {
        return factory instanceof ConnectionPool pool ? pool.unwrap() : factory;
    }

    private String problem(TargetCheck check) {
        String what = what(check.target());
        return (check.loginRefused() ? what + " refused the login: " : "cannot connect to " + what + ": ")
                + check.reason();
    }

    private String action(TargetCheck check) {
        String prefix = prefix(check.target());
        if (prefix == null) {
            return "Check the configuration of " + what(check.target()) + ".";
        }
        RoutingProperties.Target target = target(prefix);
        String url = target == null ? null : target.getUrl();
        boolean credentialsInUrl = url != null && url.indexOf('@') >= 0;
        if (check.loginRefused()) {
            return credentialsInUrl ? "Fix the username and password in " + prefix + ".url."
                    : "Fix " + prefix + ".username and " + prefix + ".password (and the database in " + prefix
                            + ".url, if the user has no right on it).";
        }
        return "Fix the host and port in " + prefix + ".url, or start the server " + what(check.target())
                + " runs on.";
    }

    private static String what(String target) {
        return RoutingConfiguration.PRIMARY.equals(target) ? "the primary" : "replica '" + target + "'";
    }

    /**
     * @return the properties prefix of {@code target}, or {@code null} if no property configured it
     */
    private @Nullable String prefix(String target) {
        if (RoutingConfiguration.PRIMARY.equals(target)) {
            return RoutingProperties.PREFIX + ".primary";
        }
        List<RoutingProperties.Replica> replicas = this.properties.getReplicas();
        for (int i = 0; i < replicas.size(); i++) {
            String configured = replicas.get(i).getName();
            String name = configured == null || configured.isBlank() ? "replica-" + (i + 1) : configured.trim();
            if (name.equals(target)) {
                return RoutingProperties.PREFIX + ".replicas[" + i + "]";
            }
        }
        return null;
    }

    private RoutingProperties.@Nullable Target target(String prefix) {
        if (prefix.endsWith(".primary")) {
            return this.properties.getPrimary();
        }
        int index = Integer.parseInt(prefix.substring(prefix.indexOf('[') + 1, prefix.indexOf(']')));
        return this.properties.getReplicas().get(index);
    }
}
