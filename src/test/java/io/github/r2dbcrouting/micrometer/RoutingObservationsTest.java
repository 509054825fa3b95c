package io.github.r2dbcrouting.micrometer;

import io.github.r2dbcrouting.PrimaryUnavailableException;
import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

final class RoutingObservationsTest {

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    private RoutingConnectionFactory router;

    @AfterEach
    void close() {
        this.router.dispose();
    }

    @Test
    void eachConnectionIsObservedWithItsRouteAndTarget() {
        this.router = H2Routers.router(builder -> builder.listener(new RoutingObservations(this.registry)));

        Flux.range(0, 2).concatMap(i -> H2Routers.useOne(this.router)).contextWrite(Routing.withReplica()).then()
                .as(StepVerifier::create).verifyComplete();
        H2Routers.useOne(this.router).as(StepVerifier::create).verifyComplete();

        TestObservationRegistryAssert.assertThat(this.registry)
                .hasNumberOfObservationsWithNameEqualTo(DefaultConnectionAcquisitionObservationConvention.NAME, 3)
                .hasAnObservation(observation -> observation.hasContextualNameEqualTo("acquire connection")
                        .hasLowCardinalityKeyValue("route", "replica")
                        .hasLowCardinalityKeyValue("target", "replica-1"))
                .hasAnObservation(observation -> observation.hasLowCardinalityKeyValue("route", "replica")
                        .hasLowCardinalityKeyValue("target", "replica-2"))
                .hasAnObservation(observation -> observation.hasLowCardinalityKeyValue("route", "none")
                        .hasLowCardinalityKeyValue("target", "primary"));
        TestObservationRegistryAssert.assertThat(this.registry)
                .hasObservationWithNameEqualTo(DefaultConnectionAcquisitionObservationConvention.NAME)
                .that().hasBeenStarted().hasBeenStopped();
    }

    @Test
    void theObservationInTheContextIsTheParent() {
        this.router = H2Routers.router(builder -> builder.listener(new RoutingObservations(this.registry)));
        Observation request = Observation.start("http.server.requests", this.registry);

        H2Routers.useOne(this.router)
                .contextWrite(context -> context.put(RoutingObservations.PARENT_KEY, request))
                .as(StepVerifier::create).verifyComplete();
        request.stop();

        TestObservationRegistryAssert.assertThat(this.registry)
                .hasAnObservation(observation -> observation
                        .hasNameEqualTo(DefaultConnectionAcquisitionObservationConvention.NAME)
                        .hasParentObservationEqualTo(request));
    }

    @Test
    void failedAcquisitionIsObservedWithItsError() {
        this.router = new RoutingConnectionFactory(RoutingConfiguration.builder()
                .primary(H2Routers.refusing())
                .listener(new RoutingObservations(this.registry))
                .build());

        this.router.create().as(StepVerifier::create).verifyError(PrimaryUnavailableException.class);

        TestObservationRegistryAssert.assertThat(this.registry)
                .hasSingleObservationThat()
                .hasLowCardinalityKeyValue("target", "primary")
                .assertThatError().isInstanceOf(PrimaryUnavailableException.class);
    }

    @Test
    void noopRegistryObservesNothing() {
        this.router = H2Routers.router(builder -> builder.listener(
                new RoutingObservations(io.micrometer.observation.ObservationRegistry.NOOP)));

        H2Routers.useOne(this.router).as(StepVerifier::create).verifyComplete();

        TestObservationRegistryAssert.assertThat(this.registry).doesNotHaveAnyObservation();
    }
}
