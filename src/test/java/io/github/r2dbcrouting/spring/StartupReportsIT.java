package io.github.r2dbcrouting.spring;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.github.r2dbcrouting.it.Routers;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reports a user sees when the application starts with a mistake, against the real cluster: an unknown
 * property, a wrong password and an unreachable host, as Spring Boot prints them (its failure analysis, or the
 * startup check's warning). No report shows a password.
 */
@ExtendWith(MariaDbCluster.class)
final class StartupReportsIT {

    private static final String WRONG_PASSWORD = "Wr0ngPassw0rd";

    private static MariaDbCluster cluster;

    @BeforeAll
    static void cluster(MariaDbCluster started) {
        cluster = started;
    }

    private static String password() {
        return cluster.primary().options().getRequiredValue(ConnectionFactoryOptions.PASSWORD).toString();
    }

    private static Map<String, Object> properties(String... more) {
        Map<String, Object> properties = HealthIT.properties(cluster);
        for (String property : more) {
            int equals = property.indexOf('=');
            properties.put(property.substring(0, equals), property.substring(equals + 1));
        }
        return properties;
    }

    /**
     * Start the test application, which must fail, and return what it printed.
     */
    private static String failedStartup(Map<String, Object> properties) {
        return printed(() -> assertThatThrownBy(() -> start(properties).close()).isInstanceOf(Exception.class));
    }

    private static ConfigurableApplicationContext start(Map<String, Object> properties) {
        return new SpringApplicationBuilder(RoutingTestApplication.class)
                .web(WebApplicationType.NONE)
                .properties(properties)
                .run();
    }

    /**
     * What {@code action} printed: the tests log through slf4j-simple, which writes each line to the
     * {@code System.err} of the moment.
     */
    private static String printed(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        }
        finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void anUnknownPropertyStopsStartupNamingTheNearestValidOne() {
        String url = "r2dbc:mysql://127.0.0.1:" + cluster.replica(1).port() + "/app";
        String report = failedStartup(properties("spring.r2dbc.routing.replica[0].url=" + url));

        assertThat(report).contains("APPLICATION FAILED TO START",
                "'spring.r2dbc.routing.replica[0].url' (\"spring.r2dbc.routing.replica[0].url\" from property source",
                "is not a property of r2dbc-routing; the nearest valid one is 'spring.r2dbc.routing.replicas[0].url'",
                "Rename spring.r2dbc.routing.replica[0].url to spring.r2dbc.routing.replicas[0].url, or remove it.")
                .doesNotContain(password());
    }

    @Test
    void aWrongReplicaPasswordStopsStartupNamingThePasswordProperty() {
        String report = failedStartup(properties("spring.r2dbc.routing.startup-check=fail",
                "spring.r2dbc.routing.replicas[1].password=" + WRONG_PASSWORD));

        assertThat(report).contains("APPLICATION FAILED TO START",
                        "The startup check could not connect to one target",
                        "replica 'replica-2' refused the login: ", "Access denied",
                        "Fix spring.r2dbc.routing.replicas[1].username and spring.r2dbc.routing.replicas[1].password")
                .doesNotContain(WRONG_PASSWORD).doesNotContain(password());
    }

    @Test
    void anUnreachablePrimaryStopsStartupNamingTheUrlProperty() {
        String report = failedStartup(properties("spring.r2dbc.routing.startup-check=fail",
                "spring.r2dbc.routing.primary.url=r2dbc:mysql://127.0.0.1:" + closedPort() + "/app"));

        assertThat(report).contains("APPLICATION FAILED TO START", "cannot connect to the primary: ",
                        "Connection refused", "Fix the host and port in spring.r2dbc.routing.primary.url")
                .doesNotContain(password());
    }

    @Test
    void byDefaultAWrongPasswordIsAWarningAndTheApplicationStarts() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (ConfigurableApplicationContext application = start(properties(
                "spring.r2dbc.routing.replicas[0].password=" + WRONG_PASSWORD))) {
            assertThat(application.isActive()).isTrue();
            Routers.await("the startup check's warning", Duration.ofSeconds(30),
                    () -> captured.toString(StandardCharsets.UTF_8).contains("starting anyway"));
        }
        finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);
        assertThat(log).contains("WARN", "replica 'replica-1' refused the login: ",
                        "starting anyway because spring.r2dbc.routing.startup-check=warn",
                        "Fix spring.r2dbc.routing.replicas[0].username and spring.r2dbc.routing.replicas[0].password")
                .doesNotContain(WRONG_PASSWORD).doesNotContain(password());
    }
}
