package io.github.r2dbcrouting.boot;

import java.util.ArrayList;
import java.util.List;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.internal.CapturedLog;
import io.github.r2dbcrouting.internal.SecretCorpus;
import io.github.r2dbcrouting.internal.SecretCorpus.Entry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the {@code spring.r2dbc.routing.*} URL, username and password properties hold, no password shows in the
 * startup failure, its cause chain, the failure analysis, the router's {@code toString()} or a log line.
 */
final class RoutingPropertiesSecretCorpusTest {

    private static final String PRIMARY = "spring.r2dbc.routing.primary.";

    private static final String REPLICA = "spring.r2dbc.routing.replicas[0].";

    private static final String[] PASSWORDS = {"Pa55-w0rd.Secret", "Pa55@w0rd.Secret", "Pa55%40w0rd.Secret",
            "Pa55 w0rd.Secret"};

    private static final String[][] URLS_WITHOUT_PASSWORD = {
        {"one slash", "r2dbc:mysql:/sec@127.0.0.1/app"},
        {"port that is no number", "r2dbc:mysql://sec@127.0.0.1:port/app"},
        {"driver not on the classpath", "r2dbc:nodriver://sec@127.0.0.1/app"},
        {"pool over a driver not on the classpath", "r2dbc:pool:nodriver://sec@127.0.0.1/app"},
        {"driver that repeats what it refuses", "r2dbc:leaky://sec@127.0.0.1/app"},
        {"no user for a driver that needs one", "r2dbc:mysql://127.0.0.1/app"},
        {"well-formed", "r2dbc:mysql://sec@127.0.0.1:1/app"},
    };

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RoutingConnectionFactoryAutoConfiguration.class))
            .withPropertyValues("spring.r2dbc.routing.monitoring.enabled=false");

    static List<Entry> urls() {
        return SecretCorpus.urls();
    }

    static List<Entry> passwordProperties() {
        List<Entry> entries = new ArrayList<>();
        for (String password : PASSWORDS) {
            for (String[] url : URLS_WITHOUT_PASSWORD) {
                entries.add(new Entry("password property '" + password.replace("w0rd", "w-rd").replace("Pa55", "P-55")
                        + "', URL " + url[0], url[1], password));
            }
        }
        return entries;
    }

    private void startAndCheck(Entry entry, String... properties) {
        String log = CapturedLog.during(() -> this.runner.withPropertyValues(properties).run(context -> {
            Throwable failure = context.getStartupFailure();
            if (failure == null) {
                RoutingConnectionFactory router = context.getBean(RoutingConnectionFactory.class);
                SecretCorpus.assertHidden(entry, "RoutingConnectionFactory.toString()", router.toString());
                SecretCorpus.assertHidden(entry, "RoutingConfiguration.toString()",
                        router.configuration().toString());
                return;
            }
            SecretCorpus.assertHidden(entry, failure);
            FailureAnalysis analysis = new InvalidRoutingPropertyFailureAnalyzer().analyze(failure);
            assertThat(analysis).as("failure analysis of %s", entry).isNotNull();
            SecretCorpus.assertHidden(entry, "failure description", analysis.getDescription());
            SecretCorpus.assertHidden(entry, "failure action", analysis.getAction());
        }));
        SecretCorpus.assertHidden(entry, "log", log);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void primaryUrlPropertyShowsNoPassword(Entry entry) {
        startAndCheck(entry, PRIMARY + "url=" + entry.url());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void replicaUrlPropertyShowsNoPassword(Entry entry) {
        startAndCheck(entry, PRIMARY + "url=r2dbc:mysql://app@127.0.0.1:1/app", REPLICA + "url=" + entry.url());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("passwordProperties")
    void passwordPropertyShowsNowhere(Entry entry) {
        startAndCheck(entry, PRIMARY + "url=" + entry.url(), PRIMARY + "password=" + entry.password());
        startAndCheck(entry, PRIMARY + "url=r2dbc:mysql://app@127.0.0.1:1/app", REPLICA + "url=" + entry.url(),
                REPLICA + "username=sec", REPLICA + "password=" + entry.password());
    }
}
