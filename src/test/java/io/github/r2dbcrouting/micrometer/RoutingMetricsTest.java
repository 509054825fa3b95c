package io.github.r2dbcrouting.micrometer;

import io.github.r2dbcrouting.PrimaryUnavailableException;
import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

final class RoutingMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private RoutingConnectionFactory router;

    @AfterEach
    void close() {
        this.router.dispose();
    }

    private double connections(String route, String target) {
        var counter = this.registry.find(RoutingMetrics.CONNECTIONS).tags("route", route, "target", target).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void connectionsAreCountedByRouteAndTarget() {
        this.router = H2Routers.router(builder -> builder.listener(new RoutingMetrics(this.registry)));

        Flux.range(0, 3).concatMap(i -> H2Routers.useOne(this.router)).then()
                .as(StepVerifier::create).verifyComplete();
        Flux.range(0, 4).concatMap(i -> H2Routers.useOne(this.router)).contextWrite(Routing.withReplica()).then()
                .as(StepVerifier::create).verifyComplete();
        H2Routers.useOne(this.router).contextWrite(Routing.withPrimary())
                .as(StepVerifier::create).verifyComplete();

        assertThat(connections("none", "primary")).isEqualTo(3);
        assertThat(connections("replica", "replica-1")).isEqualTo(2);
        assertThat(connections("replica", "replica-2")).isEqualTo(2);
        assertThat(connections("primary", "primary")).isEqualTo(1);
        assertThat(this.registry.get(RoutingMetrics.ACQUISITION).tag("target", "primary").timer().count())
                .isEqualTo(4);
        assertThat(this.registry.get(RoutingMetrics.ACQUISITION).tag("target", "replica-1").timer().count())
                .isEqualTo(2);
    }

    @Test
    void failoverFallbackAndStateChangesAreCounted() {
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .monitoring(false)
                .primary(H2Routers.url("primary", 1000))
                .replica("replica-1", H2Routers.refusing())
                .listener(new RoutingMetrics(this.registry))
                .build());

        H2Routers.useOne(this.router).contextWrite(Routing.withReplica())
                .as(StepVerifier::create).verifyComplete();

        assertThat(this.registry.get(RoutingMetrics.FAILOVERS).tags("replica", "replica-1", "next", "none")
                .counter().count()).isEqualTo(1);
        assertThat(this.registry.get(RoutingMetrics.FALLBACKS).tag("reason", "no-replica-up").counter().count())
                .isEqualTo(1);
        assertThat(this.registry.get(RoutingMetrics.STATE_CHANGES).tags("replica", "replica-1", "from", "up", "to",
                "down").counter().count()).isEqualTo(1);
        assertThat(connections("replica", "primary")).isEqualTo(1);
    }

    @Test
    void failedAcquisitionIsCountedWithItsException() {
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(H2Routers.refusing())
                .listener(new RoutingMetrics(this.registry, Tags.of("router", "orders")))
                .build());

        this.router.create().as(StepVerifier::create).verifyError(PrimaryUnavailableException.class);

        assertThat(this.registry.get(RoutingMetrics.ACQUISITION_FAILURES)
                .tags("router", "orders", "route", "none", "target", "primary", "exception",
                        "PrimaryUnavailableException")
                .counter().count()).isEqualTo(1);
        assertThat(this.registry.find(RoutingMetrics.CONNECTIONS).counters()).isEmpty();
    }

    @Test
    void waitsAndEscalationsAreRecordedByTheirTags() {
        RoutingMetrics metrics = new RoutingMetrics(this.registry);
        this.router = H2Routers.router(builder -> builder.listener(metrics));

        metrics.readYourWritesWaited("replica-1", io.github.r2dbcrouting.RoutingListener.WaitOutcome.TIMED_OUT,
                1_000_000);
        metrics.writeEscalated(io.github.r2dbcrouting.Route.REPLICA, "replica-2");
        metrics.writeEscalated(io.github.r2dbcrouting.Route.REPLICA, null);

        assertThat(this.registry.get(RoutingMetrics.READ_YOUR_WRITES_WAITS).tags("replica", "replica-1", "outcome",
                "timed-out").timer().count()).isEqualTo(1);
        assertThat(this.registry.get(RoutingMetrics.ESCALATIONS).tags("route", "replica").counter().count())
                .isEqualTo(2);
    }
}
