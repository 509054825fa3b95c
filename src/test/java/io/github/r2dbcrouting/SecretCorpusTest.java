package io.github.r2dbcrouting;

import java.util.List;
import java.util.function.Function;

import io.github.r2dbcrouting.internal.CapturedLog;
import io.github.r2dbcrouting.internal.SecretCorpus;
import io.github.r2dbcrouting.internal.SecretCorpus.Entry;
import io.github.r2dbcrouting.replica.Replica;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static io.github.r2dbcrouting.Routing.withReplica;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever URL the builder is given, and whatever a driver's error says, no password shows in an exception, a
 * {@code toString()} or a log line.
 */
final class SecretCorpusTest {

    static List<Entry> urls() {
        return SecretCorpus.urls();
    }

    static List<Entry> urlsMaskableInText() {
        return SecretCorpus.urlsMaskableInText();
    }

    /**
     * Configure a target from {@code entry}'s URL and open the router, as far as that goes, logging meanwhile.
     */
    private static void configureAndOpen(Entry entry,
            Function<RoutingConfiguration.Builder, RoutingConfiguration.Builder> target) {
        boolean[] opened = new boolean[1];
        String log = CapturedLog.during(() -> {
            RoutingConnectionFactory router = null;
            try {
                RoutingConfiguration configuration = target.apply(RoutingConfiguration.builder())
                        .monitoring(false)
                        .build();
                SecretCorpus.assertHidden(entry, "RoutingConfiguration.toString()", configuration.toString());
                SecretCorpus.assertHidden(entry, "Target.toString()", configuration.getPrimary().toString());
                SecretCorpus.assertHidden(entry, "Target.toString()", configuration.getReplicas().toString());
                router = new RoutingConnectionFactory(configuration);
                opened[0] = true;
                SecretCorpus.assertHidden(entry, "RoutingConnectionFactory.toString()", router.toString());
            }
            catch (IllegalArgumentException | IllegalStateException ex) {
                SecretCorpus.assertHidden(entry, ex);
            }
            finally {
                if (router != null) {
                    router.close().block();
                }
            }
        });
        if (opened[0]) {
            assertThat(log).as("debug lines are captured").contains("Built RoutingConnectionFactory[");
        }
        SecretCorpus.assertHidden(entry, "log", log);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void primaryUrlShowsNoPassword(Entry entry) {
        configureAndOpen(entry, builder -> builder.primary(entry.url()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void replicaUrlShowsNoPassword(Entry entry) {
        configureAndOpen(entry, builder -> builder.primary(new StubConnectionFactory("primary"))
                .replica("replica-1", entry.url()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urlsMaskableInText")
    void driverErrorQuotingAUrlShowsNoPasswordInReasonsErrorsOrLogs(Entry entry) {
        R2dbcNonTransientResourceException refused = new R2dbcNonTransientResourceException(
                "Cannot connect to " + entry.url() + ": connection refused");
        StubConnectionFactory primary = new StubConnectionFactory("primary");
        StubConnectionFactory replica = new StubConnectionFactory("replica-1");
        replica.failWith(refused);
        primary.failWith(refused);
        RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(primary)
                .replica("replica-1", replica)
                .fallbackToPrimary(false)
                .monitoring(false)
                .scheduler(VirtualTimeScheduler.create())
                .build());

        String log = CapturedLog.during(() -> {
            Mono.usingWhen(router.create(), Mono::just, Connection::close)
                    .contextWrite(withReplica())
                    .as(StepVerifier::create)
                    .verifyErrorSatisfies(error -> {
                        assertThat(error).isInstanceOf(NoReplicaAvailableException.class)
                                .hasMessageContaining("replica-1: DOWN, connection failed: Cannot connect to");
                        SecretCorpus.assertHidden(entry, error);
                    });
            Mono.usingWhen(router.create(), Mono::just, Connection::close)
                    .as(StepVerifier::create)
                    .verifyErrorSatisfies(error -> {
                        // The cause is the driver's own error, kept as it is: only the message is the router's.
                        assertThat(error).isInstanceOf(PrimaryUnavailableException.class).hasCause(refused);
                        SecretCorpus.assertHidden(entry, "message", error.getMessage());
                    });
        });

        assertThat(log).contains("Replica replica-1 is DOWN");
        SecretCorpus.assertHidden(entry, "log", log);
        SecretCorpus.assertHidden(entry, "reason", router.replicas().get(0).reason());
        router.close().block();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urlsMaskableInText")
    void unreachableReplicaShowsNoPasswordInItsReasonOrTheMonitorsLog(Entry entry) {
        StubConnectionFactory replica = new StubConnectionFactory("replica-1");
        replica.failWith(new R2dbcNonTransientResourceException("Cannot connect to " + entry.url()));
        RoutingConnectionFactory[] router = new RoutingConnectionFactory[1];

        // The first probe runs at once.
        String log = CapturedLog.during(() -> router[0] = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(new StubConnectionFactory("primary"))
                .replica("replica-1", replica)
                .scheduler(VirtualTimeScheduler.create())
                .build()));

        Replica probed = router[0].replicas().get(0);
        assertThat(log).contains("Replica replica-1 is DOWN");
        assertThat(probed.reason()).startsWith("unreachable: Cannot connect to");
        SecretCorpus.assertHidden(entry, "log", log);
        SecretCorpus.assertHidden(entry, "reason", probed.reason());
        router[0].close().block();
    }
}
