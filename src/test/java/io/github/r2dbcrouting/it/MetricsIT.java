package io.github.r2dbcrouting.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.micrometer.ConnectionAcquisitionContext;
import io.github.r2dbcrouting.micrometer.RoutingMetrics;
import io.github.r2dbcrouting.micrometer.RoutingObservations;
import io.github.r2dbcrouting.micrometer.TargetPoolMetrics;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;
import reactor.util.function.Tuples;

import static io.github.r2dbcrouting.it.Routers.serverId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meters and observations of a router over a real MariaDB primary (server_id 1) and two replicas (2 and 3) agree
 * with what the servers say served each connection. The routers do not monitor the replicas: on a busy machine a
 * first probe that outlasts {@code monitorTimeout} would send replica reads to the primary, which the meters would
 * count right but which would leave the replicas' meters untested.
 */
@ExtendWith(MariaDbCluster.class)
final class MetricsIT {

    private static final Map<Integer, String> TARGETS = Map.of(1, "primary", 2, "replica-1", 3, "replica-2");

    private final MeterRegistry registry = new SimpleMeterRegistry();

    private RoutingConnectionFactory router;

    @AfterEach
    void close() {
        if (this.router != null) {
            this.router.close().block(Duration.ofSeconds(30));
        }
    }

    private long connections(String route, String target) {
        Counter counter = this.registry.find(RoutingMetrics.CONNECTIONS).tags("route", route, "target", target)
                .counter();
        return counter == null ? 0 : (long) counter.count();
    }

    private long acquisitions(String target) {
        Timer timer = this.registry.find(RoutingMetrics.ACQUISITION).tag("target", target).timer();
        return timer == null ? 0 : timer.count();
    }

    /**
     * @return how many of {@code count} connections in {@code route}'s Context each server served, by target name
     */
    private Mono<Map<String, Long>> served(int count, Function<Context, Context> route) {
        return Flux.range(0, count)
                .concatMap(i -> serverId(this.router))
                .contextWrite(route)
                .collect(Collectors.groupingBy(TARGETS::get, Collectors.counting()));
    }

    /**
     * Pools that wait long enough for a connection on a machine busy with other builds: the meters are the subject
     * here, not the bounds.
     */
    private static RoutingConfiguration.Builder patient(RoutingConfiguration.Builder builder) {
        return builder.pool(pool -> pool.initialSize(0).maxSize(10)
                .maxCreateConnectionTime(Duration.ofSeconds(30))
                .maxAcquireTime(Duration.ofSeconds(60)));
    }

    @Test
    void connectionMetersCountWhatEachServerServed(MariaDbCluster cluster) {
        this.router = Routers.router(cluster, builder -> patient(builder).monitoring(false)
                .listener(new RoutingMetrics(this.registry)));

        served(10, Function.identity())
                .flatMap(unrouted -> served(7, Routing.withPrimary())
                        .flatMap(primary -> served(21, Routing.withReplica())
                                .map(replica -> Tuples.of(unrouted, primary, replica))))
                .as(StepVerifier::create)
                .assertNext(servers -> {
                    assertThat(servers.getT1()).containsOnlyKeys("primary");
                    assertThat(servers.getT2()).containsOnlyKeys("primary");
                    assertThat(servers.getT3()).containsOnlyKeys("replica-1", "replica-2");
                    assertThat(connections("none", "primary")).isEqualTo(servers.getT1().get("primary"));
                    assertThat(connections("primary", "primary")).isEqualTo(servers.getT2().get("primary"));
                    assertThat(connections("replica", "replica-1")).isEqualTo(servers.getT3().get("replica-1"));
                    assertThat(connections("replica", "replica-2")).isEqualTo(servers.getT3().get("replica-2"));
                    assertThat(connections("replica", "primary")).isZero();
                    assertThat(acquisitions("primary")).isEqualTo(17);
                    assertThat(acquisitions("replica-1") + acquisitions("replica-2")).isEqualTo(21);
                })
                .verifyComplete();
    }

    @Test
    void replicaPoolMetersShowTheConnectionsHeld(MariaDbCluster cluster) {
        this.router = Routers.router(cluster, builder -> patient(builder).monitoring(false));
        new TargetPoolMetrics(this.router).bindTo(this.registry);

        Flux.range(0, 5)
                .concatMap(i -> this.router.create())
                .contextWrite(Routing.withReplica())
                .collectList()
                .flatMap(held -> Flux.fromIterable(held)
                        .concatMap(Routers::serverId)
                        .collect(Collectors.groupingBy(TARGETS::get, Collectors.counting()))
                        .doOnNext(servers -> {
                            assertThat(servers).containsOnlyKeys("replica-1", "replica-2");
                            assertThat(acquired("replica-1")).isEqualTo(servers.get("replica-1"));
                            assertThat(acquired("replica-2")).isEqualTo(servers.get("replica-2"));
                            assertThat(acquired("primary")).isZero();
                        })
                        .then(Flux.fromIterable(held).concatMap(Connection::close).then()))
                .as(StepVerifier::create)
                .verifyComplete();

        Routers.await("the replica pools' acquired meters are back to 0", Duration.ofSeconds(10),
                () -> acquired("replica-1") == 0 && acquired("replica-2") == 0);
    }

    private long acquired(String target) {
        return (long) this.registry.get("r2dbc.pool.acquired").tag("name", target).gauge().value();
    }

    @Test
    void eachConnectionIsObservedWithTheTargetThatServedIt(MariaDbCluster cluster) {
        List<String> observed = new CopyOnWriteArrayList<>();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler<ConnectionAcquisitionContext>() {
            @Override
            public void onStop(ConnectionAcquisitionContext context) {
                observed.add(context.getTarget());
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof ConnectionAcquisitionContext;
            }
        });
        this.router = Routers.router(cluster, builder -> patient(builder).monitoring(false)
                .listener(new RoutingObservations(observations)));

        Flux.range(0, 12)
                .concatMap(i -> serverId(this.router).contextWrite(i % 3 == 0 ? Routing.withPrimary()
                        : Routing.withReplica()))
                .map(TARGETS::get)
                .collectList()
                .as(StepVerifier::create)
                .assertNext(servers -> {
                    assertThat(servers).contains("primary", "replica-1", "replica-2");
                    assertThat(observed).containsExactlyElementsOf(servers);
                })
                .verifyComplete();
    }
}
