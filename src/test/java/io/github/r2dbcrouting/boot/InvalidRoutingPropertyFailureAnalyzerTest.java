package io.github.r2dbcrouting.boot;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each wrong property fails startup with a report that names the property, says what to change, and never shows a
 * password.
 */
final class InvalidRoutingPropertyFailureAnalyzerTest {

    private static final String SECRET = "Sup3rSecret";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RoutingConnectionFactoryAutoConfiguration.class))
            .withPropertyValues("spring.r2dbc.routing.primary.password=" + SECRET,
                    "spring.r2dbc.routing.replicas[0].password=" + SECRET,
                    "spring.r2dbc.routing.monitoring.enabled=false");

    private FailureAnalysis startupFailure(String... properties) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        this.runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            assertThat(stackTrace(failure)).doesNotContain(SECRET);
            analysis[0] = new InvalidRoutingPropertyFailureAnalyzer().analyze(failure);
        });
        FailureAnalysis result = analysis[0];
        assertThat(result).as("failure analysis").isNotNull();
        assertThat(result.getDescription()).doesNotContain(SECRET);
        assertThat(result.getAction()).doesNotContain(SECRET);
        return result;
    }

    private static String stackTrace(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    @Test
    void missingPrimaryUrlNamesThePrimaryUrlProperty() {
        FailureAnalysis analysis = startupFailure(
                "spring.r2dbc.routing.replicas[0].url=r2dbc:mysql://app@127.0.0.1:2/app");

        assertThat(analysis.getDescription())
                .contains("'spring.r2dbc.routing.primary.url'", "no R2DBC URL is set for the primary");
        assertThat(analysis.getAction()).startsWith("Set spring.r2dbc.routing.primary.url to the R2DBC URL");
    }

    @Test
    void malformedUrlNamesItsPropertyAndMasksThePassword() {
        FailureAnalysis analysis = startupFailure(
                "spring.r2dbc.routing.primary.url=mysql://app:" + SECRET + "@127.0.0.1:1/app");

        assertThat(analysis.getDescription()).contains("'spring.r2dbc.routing.primary.url'",
                "'mysql://app:****@127.0.0.1:1/app' is not a valid R2DBC URL");
        assertThat(analysis.getAction()).contains("r2dbc:driver://host:port/database");
    }

    @Test
    void replicaWithoutUrlNamesTheReplicasUrlProperty() {
        FailureAnalysis analysis = startupFailure("spring.r2dbc.routing.primary.url=r2dbc:mysql://app@127.0.0.1:1/app",
                "spring.r2dbc.routing.replicas[0].url=r2dbc:mysql://app@127.0.0.1:2/app",
                "spring.r2dbc.routing.replicas[1].name=reporting",
                "spring.r2dbc.routing.replicas[1].username=app");

        assertThat(analysis.getDescription()).contains("'spring.r2dbc.routing.replicas[1].url'",
                "no R2DBC URL is set for replica 'reporting'");
        assertThat(analysis.getAction()).contains("or remove the replica");
    }

    @Test
    void unknownDriverNamesTheUrlProperty() {
        FailureAnalysis analysis = startupFailure("spring.r2dbc.routing.primary.url=r2dbc:mysql://app@127.0.0.1:1/app",
                "spring.r2dbc.routing.replicas[0].url=r2dbc:nosuchdb://app:" + SECRET + "@127.0.0.1:2/app");

        assertThat(analysis.getDescription()).contains("'spring.r2dbc.routing.replicas[0].url'",
                "no R2DBC driver on the classpath accepts 'r2dbc:nosuchdb://app:****@127.0.0.1:2/app'");
        assertThat(analysis.getAction()).contains("io.asyncer:r2dbc-mysql");
    }

    @Test
    void urlTheDriverRefusesNamesItsProperty() {
        FailureAnalysis analysis = startupFailure("spring.r2dbc.routing.primary.url=r2dbc:mysql://127.0.0.1:1/app");

        assertThat(analysis.getDescription()).contains("'spring.r2dbc.routing.primary.url'",
                "the driver refuses 'r2dbc:mysql://127.0.0.1:1/app'", "user");
        assertThat(analysis.getAction()).contains("spring.r2dbc.routing.primary.username");
    }

    @Test
    void nonPositiveDurationNamesItsProperty() {
        FailureAnalysis analysis = startupFailure("spring.r2dbc.routing.primary.url=r2dbc:mysql://app@127.0.0.1:1/app",
                "spring.r2dbc.routing.max-lag=0s");

        assertThat(analysis.getDescription()).contains("'spring.r2dbc.routing.max-lag'", "must be a positive duration");
    }

    @Test
    void unknownReplicaSelectionFailsBindingOfThatProperty() {
        this.runner.withPropertyValues("spring.r2dbc.routing.primary.url=r2dbc:mysql://app@127.0.0.1:1/app",
                        "spring.r2dbc.routing.replica-selection=fastest")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("fastest");
                    assertThat(stackTrace(context.getStartupFailure()))
                            .contains("spring.r2dbc.routing.replica-selection")
                            .doesNotContain(SECRET);
                });
    }

    @Test
    void analyzerIsRegisteredForSpringBoot() {
        assertThat(SpringFactoriesLoader.loadFactoryNames(FailureAnalyzer.class, getClass().getClassLoader()))
                .contains(InvalidRoutingPropertyFailureAnalyzer.class.getName());
    }

    @Test
    void duplicateReplicaNameNamesTheSecondName() {
        FailureAnalysis analysis = startupFailure("spring.r2dbc.routing.primary.url=r2dbc:mysql://app@127.0.0.1:1/app",
                "spring.r2dbc.routing.replicas[0].url=r2dbc:mysql://app@127.0.0.1:2/app",
                "spring.r2dbc.routing.replicas[1].name=replica-1",
                "spring.r2dbc.routing.replicas[1].url=r2dbc:mysql://app@127.0.0.1:3/app");

        assertThat(analysis.getDescription()).contains("'spring.r2dbc.routing.replicas[1].name'",
                "'replica-1' is already used by spring.r2dbc.routing.replicas[0]");
    }

    @Test
    void nonPositiveWeightNamesTheWeightProperty() {
        FailureAnalysis analysis = startupFailure("spring.r2dbc.routing.primary.url=r2dbc:mysql://app@127.0.0.1:1/app",
                "spring.r2dbc.routing.replicas[0].url=r2dbc:mysql://app@127.0.0.1:2/app",
                "spring.r2dbc.routing.replicas[0].weight=0");

        assertThat(analysis.getDescription()).contains("'spring.r2dbc.routing.replicas[0].weight'",
                "must be positive, was 0");
    }

    @Test
    void maxSizeBelowInitialSizeNamesThePropertyThatSetIt() {
        FailureAnalysis analysis = startupFailure("spring.r2dbc.routing.primary.url=r2dbc:mysql://app@127.0.0.1:1/app",
                "spring.r2dbc.routing.replicas[0].url=r2dbc:mysql://app@127.0.0.1:2/app",
                "spring.r2dbc.routing.replicas[0].pool.max-size=2");

        assertThat(analysis.getDescription()).contains("'spring.r2dbc.routing.replicas[0].pool.max-size'",
                "the pool of 'replica-1' has max-size 2, smaller than its initial-size 10");
        assertThat(analysis.getAction()).contains("spring.r2dbc.routing.pool.initial-size");
    }
}
