package io.github.r2dbcrouting.micrometer;

import java.time.Duration;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

final class ReplicaAndPoolMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private RoutingConnectionFactory router;

    @AfterEach
    void close() {
        this.router.dispose();
    }

    private double gauge(String name, String... tags) {
        return this.registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void everyPoolShowsTheConnectionsAcquiredFromIt() {
        this.router = H2Routers.router(builder -> builder);
        new TargetPoolMetrics(this.router).bindTo(this.registry);

        Flux.range(0, 3)
                .concatMap(i -> this.router.create())
                .contextWrite(Routing.withReplica())
                .collectList()
                .flatMap(held -> {
                    assertThat(gauge("r2dbc.pool.acquired", "name", "replica-1")).isEqualTo(2);
                    assertThat(gauge("r2dbc.pool.acquired", "name", "replica-2")).isEqualTo(1);
                    assertThat(gauge("r2dbc.pool.acquired", "name", "primary")).isZero();
                    assertThat(gauge("r2dbc.pool.max.allocated", "name", "replica-1")).isEqualTo(4);
                    return Flux.fromIterable(held).concatMap(Connection::close).then();
                })
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(gauge("r2dbc.pool.acquired", "name", "replica-1")).isZero();
        assertThat(gauge("r2dbc.pool.idle", "name", "replica-1")).isEqualTo(2);
        assertThat(this.registry.get("r2dbc.pool.acquired").gauges()).hasSize(3);
    }

    @Test
    void factoriesThatAreNotPoolsHaveNoPoolMeters() {
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .monitoring(false)
                .primary(H2Routers.url("primary", 2000))
                .replica("replica-1", H2Routers.refusing())
                .build());

        new TargetPoolMetrics(this.router).bindTo(this.registry);

        assertThat(this.registry.find("r2dbc.pool.acquired").gauges())
                .singleElement()
                .satisfies(gauge -> assertThat(gauge.getId().getTag("name")).isEqualTo("primary"));
    }

    @Test
    void replicaStateGaugeFollowsTheReplica() {
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .monitoring(false)
                // It stays DOWN while the test looks.
                .failoverBackoff(Duration.ofHours(1))
                .maxFailoverBackoff(Duration.ofHours(1))
                .primary(H2Routers.url("primary", 3000))
                .replica("replica-1", H2Routers.refusing())
                .build());
        new ReplicaMetrics(this.router).bindTo(this.registry);

        assertThat(gauge(ReplicaMetrics.STATE, "replica", "replica-1", "state", "up")).isEqualTo(1);
        assertThat(gauge(ReplicaMetrics.STATE, "replica", "replica-1", "state", "down")).isZero();
        assertThat(this.registry.get(ReplicaMetrics.LAG).tag("replica", "replica-1").timeGauge().value())
                .isNaN();

        Mono.usingWhen(this.router.create(), connection -> Mono.empty(), Connection::close)
                .contextWrite(Routing.withReplica())
                .as(StepVerifier::create)
                .verifyComplete();

        assertThat(gauge(ReplicaMetrics.STATE, "replica", "replica-1", "state", "up")).isZero();
        assertThat(gauge(ReplicaMetrics.STATE, "replica", "replica-1", "state", "down")).isEqualTo(1);
        assertThat(gauge(ReplicaMetrics.STATE, "replica", "replica-1", "state", "lagging")).isZero();
    }
}
