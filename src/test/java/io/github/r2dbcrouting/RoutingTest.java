package io.github.r2dbcrouting;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

final class RoutingTest {

    private static Mono<Route> currentRoute() {
        return Mono.deferContextual(context -> Mono.just(Routing.currentRoute(context)));
    }

    @Test
    void noOperatorMeansPrimary() {
        assertThat(Routing.currentRoute(Context.empty())).isEqualTo(Route.PRIMARY);
        assertThat(Routing.currentSession(Context.empty())).isNull();
    }

    @Test
    void operatorsSetTheRouteForUpstream() {
        currentRoute().contextWrite(Routing.withReplica())
                .as(StepVerifier::create)
                .expectNext(Route.REPLICA)
                .verifyComplete();
        currentRoute().contextWrite(Routing.withRoute(Route.PRIMARY)).contextWrite(Routing.withReplica())
                .as(StepVerifier::create)
                .expectNext(Route.PRIMARY)
                .verifyComplete();
    }

    @Test
    void innerRouteKeepsTheOuterStickyScope() {
        Mono.deferContextual(context -> Mono.just((Routing.currentSession(context) != null) + " " + Routing.currentRoute(context)))
                .contextWrite(Routing.withReplica())
                .contextWrite(Routing.withStickyReplica())
                .contextWrite(Routing.withPrimary())
                .as(StepVerifier::create)
                .expectNext("true REPLICA")
                .verifyComplete();
    }

    @Test
    void stickyScopeAloneSetsNoRoute() {
        Mono.deferContextual(context -> Mono.just(String.valueOf(Routing.explicitRoute(context)) + " "
                        + Routing.currentRoute(context)))
                .contextWrite(Routing.withStickyReplica())
                .as(StepVerifier::create)
                .expectNext("null PRIMARY")
                .verifyComplete();
        assertThat(Routing.explicitRoute(Context.empty())).isNull();
    }

    @Test
    void routeMustNotBeNull() {
        assertThatIllegalArgumentException().isThrownBy(() -> Routing.withRoute(null));
    }
}
