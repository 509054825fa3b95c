package io.github.r2dbcrouting.actuate;

import java.time.Duration;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static io.github.r2dbcrouting.Routing.withReplica;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the routing endpoint shows of a router over in-memory H2 databases: the configuration without a password,
 * and per target the connections handed out and the pool's figures.
 */
final class RoutingEndpointTest {

    private static final String SECRET = "Sup3rSecret";

    private final RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder()
            .monitoring(false)
            .primary("r2dbc:h2:mem://sa:" + SECRET + "@localhost/endpoint-primary?sslKeyPassword=" + SECRET)
            .replica("replica-1", "r2dbc:h2:mem://sa:" + SECRET + "@localhost/endpoint-replica")
            .maxLag(Duration.ofMillis(1500))
            .pool(pool -> pool.initialSize(0).maxSize(3))
            .build());

    @AfterEach
    void closeRouter() {
        this.router.dispose();
    }

    @Test
    void showsTheConfigurationWithoutPasswordsAndWhatEachTargetHandedOut() {
        Mono.usingWhen(this.router.create(), connection -> Mono.just(1), Connection::close)
                .contextWrite(withReplica())
                .repeat(2)
                .as(StepVerifier::create)
                .expectNextCount(3)
                .verifyComplete();

        RoutingEndpoint.RoutingDescriptor routing = new RoutingEndpoint(this.router).routing();

        assertThat(routing.toString()).doesNotContain(SECRET);
        assertThat(routing.configuration().primary()).isEqualTo("r2dbc:h2:mem://sa:****@localhost/endpoint-primary");
        assertThat(routing.configuration().replicas()).singleElement()
                .satisfies(replica -> assertThat(replica.url()).contains(":****@").doesNotContain(SECRET));
        assertThat(routing.configuration().maxLag()).isEqualTo("1.5s");
        assertThat(routing.configuration().replicaSelection()).isEqualTo("round-robin");
        assertThat(routing.targets()).containsOnlyKeys("primary", "replica-1");
        RoutingEndpoint.TargetState replica = routing.targets().get("replica-1");
        assertThat(replica.state()).isEqualTo("UP");
        assertThat(replica.handedOut()).isEqualTo(3);
        assertThat(replica.inUse()).isZero();
        assertThat(replica.pool()).isNotNull();
        assertThat(replica.pool().maxAllocated()).isEqualTo(3);
        assertThat(routing.targets().get("primary").handedOut()).isZero();
        assertThat(routing.targets().get("primary").state()).isEqualTo("UP");
    }

    @Test
    void durationsReadAsOperatorsWriteThem() {
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.format(null)).isNull();
    }
}
