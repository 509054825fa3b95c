package io.github.r2dbcrouting.boot;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A property under {@code spring.r2dbc.routing} that the library does not have stops startup with a report that
 * names it and the nearest valid property, and never its value.
 */
final class UnknownRoutingPropertyFailureAnalyzerTest {

    private static final String SECRET = "Sup3rSecret";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RoutingPropertiesCheckAutoConfiguration.class,
                    RoutingConnectionFactoryAutoConfiguration.class))
            .withPropertyValues("spring.r2dbc.routing.primary.url=r2dbc:mysql://app@127.0.0.1:1/app",
                    "spring.r2dbc.routing.monitoring.enabled=false", "spring.r2dbc.routing.pool.initial-size=1");

    private FailureAnalysis startupFailure(String... properties) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        this.runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            analysis[0] = new UnknownRoutingPropertyFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).as("failure analysis").isNotNull();
        return analysis[0];
    }

    @Test
    void singularReplicaNamesThePluralProperty() {
        FailureAnalysis analysis = startupFailure("spring.r2dbc.routing.replica[0].url=r2dbc:mysql://app@h:2/app");

        assertThat(analysis.getDescription()).contains("'spring.r2dbc.routing.replica[0].url'",
                "is not a property of r2dbc-routing", "the nearest valid one is 'spring.r2dbc.routing.replicas[0].url'");
        assertThat(analysis.getAction()).startsWith(
                "Rename spring.r2dbc.routing.replica[0].url to spring.r2dbc.routing.replicas[0].url, or remove it.");
    }

    @Test
    void everyUnknownPropertyIsNamedWithItsOwnIndexes() {
        FailureAnalysis analysis = startupFailure("spring.r2dbc.routing.replicas[0].url=r2dbc:mysql://app@h:2/app",
                "spring.r2dbc.routing.replicas[1].url=r2dbc:mysql://app@h:3/app",
                "spring.r2dbc.routing.replicas[1].pool.max-sise=4",
                "spring.r2dbc.routing.replicas[1].usrname=app",
                "spring.r2dbc.routing.monitoring.intervall=2s");

        assertThat(analysis.getDescription())
                .contains("'spring.r2dbc.routing.replicas[1].pool.max-sise'",
                        "'spring.r2dbc.routing.replicas[1].pool.max-size'")
                .contains("'spring.r2dbc.routing.replicas[1].usrname'", "'spring.r2dbc.routing.replicas[1].username'")
                .contains("'spring.r2dbc.routing.monitoring.intervall'", "'spring.r2dbc.routing.monitoring.interval'");
        assertThat(analysis.getAction()).contains("or remove them");
    }

    @Test
    void aMisspeltPasswordPropertyNeverShowsItsValue() {
        FailureAnalysis analysis = startupFailure("spring.r2dbc.routing.primary.passwort=" + SECRET);

        assertThat(analysis.getDescription()).contains("'spring.r2dbc.routing.primary.password'")
                .doesNotContain(SECRET);
        assertThat(analysis.getAction()).doesNotContain(SECRET);
    }

    @Test
    void knownPropertiesStartAsBefore() {
        this.runner.withPropertyValues("spring.r2dbc.routing.replicas[0].url=r2dbc:mysql://app@h:2/app",
                        "spring.r2dbc.routing.replicas[0].pool.max-size=4",
                        "spring.r2dbc.routing.replicaSelection=random",
                        "spring.r2dbc.routing.web.session-token.max-age=1m",
                        "spring.r2dbc.routing.web.read-methods[0]=GET",
                        "spring.r2dbc.routing.startup-check=off")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aGroupSetAsAWholeIsKnown() {
        UnknownRoutingProperties.check(new MockEnvironment()
                .withProperty("spring.r2dbc.routing.replicas", "")
                .withProperty("spring.r2dbc.routing.replicas[0]", "")
                .withProperty("spring.r2dbc.routing.web.session-token", ""));
        assertThatExceptionOfType(UnknownRoutingPropertyException.class)
                .isThrownBy(() -> UnknownRoutingProperties.check(new MockEnvironment()
                        .withProperty("spring.r2dbc.routing.replica", "")))
                .satisfies(error -> assertThat(error.unknown()).extracting(UnknownRoutingPropertyException.Unknown::name)
                        .containsExactly("spring.r2dbc.routing.replica"));
    }

    @Test
    void theNearestPropertyIsFoundForEveryShapeOfMistake() {
        assertThat(RoutingPropertyNames.nearest("spring.r2dbc.routing.replica[3].weight"))
                .isEqualTo("spring.r2dbc.routing.replicas[3].weight");
        assertThat(RoutingPropertyNames.nearest("spring.r2dbc.routing.primary.usrname"))
                .isEqualTo("spring.r2dbc.routing.primary.username");
        assertThat(RoutingPropertyNames.nearest("spring.r2dbc.routing.maxlagg"))
                .isEqualTo("spring.r2dbc.routing.max-lag");
        assertThat(RoutingPropertyNames.nearest("spring.r2dbc.routing.replicas.url"))
                .isEqualTo("spring.r2dbc.routing.replicas[0].url");
        assertThat(RoutingPropertyNames.templates()).contains("spring.r2dbc.routing.replicas[*].pool.max-size",
                "spring.r2dbc.routing.web.session-token.key", "spring.r2dbc.routing.startup-check");
    }

    @Test
    void analyzersAreRegisteredForSpringBoot() {
        assertThat(SpringFactoriesLoader.loadFactoryNames(FailureAnalyzer.class, getClass().getClassLoader()))
                .contains(UnknownRoutingPropertyFailureAnalyzer.class.getName(),
                        RoutingStartupCheckFailureAnalyzer.class.getName());
    }
}
