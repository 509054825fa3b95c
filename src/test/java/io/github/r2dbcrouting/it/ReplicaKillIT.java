package io.github.r2dbcrouting.it;

import java.time.Duration;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica that crashes under load: 32 reads in flight while replica 1 is killed with SIGKILL (its sockets close,
 * its port refuses), then started again 20 seconds later on the same port and data.
 * <p>
 * Goals, with the defaults of the pools the router builds: only the reads in flight at the kill fail, reads stall for
 * at most {@code monitorTimeout + monitorInterval} (3s), and the restarted replica serves again within two monitor
 * intervals of accepting connections. The assertions allow twice the goal, for a busy machine.
 * <p>
 * It runs on a cluster of its own: after the kill, the pools that other test classes keep open on the shared replica
 * would hold dead connections, found only when lent.
 */
final class ReplicaKillIT {

    private static MariaDbCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = MariaDbCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.stop();
    }

    private static final Duration DOWN_FOR = Duration.ofSeconds(20);

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private static final int IN_FLIGHT = 32;

    @Test
    void aKilledReplicaCostsOnlyTheReadsInFlightAndServesSoonAfterItIsStartedAgain() {
        MariaDbServer killed = cluster.replica(1);
        RoutingConnectionFactory router = Routers.withDefaultPools(cluster, builder -> builder
                .monitorInterval(INTERVAL)
                .monitorTimeout(PROBE_TIMEOUT));
        Load load = null;
        Load.Figures figures;
        Duration back;
        try {
            load = Load.start(() -> Routers.serverId(router).contextWrite(Routing.withReplica()), IN_FLIGHT,
                    10_000_000, Duration.ofSeconds(90));
            Load running = load;
            // A cold JVM on a busy machine may miss its first probes: start from reads served by both replicas.
            Routers.await("reads run on both replicas", Duration.ofSeconds(30),
                    () -> router.replicas().stream().allMatch(replica -> replica.state() == ReplicaState.UP)
                            && running.serves(killed.serverId()) && running.serves(cluster.replica(2).serverId())
                            && running.figures().ok() > 1_000);

            long killedAt = load.now();
            long startedAt;
            try {
                killed.kill();
                Mono.delay(DOWN_FOR).block();
            }
            finally {
                killed.start();
                startedAt = load.now();
            }
            Routers.await("replica-1 serves reads again", Duration.ofSeconds(30),
                    () -> running.figures().servedAgain(killed.serverId(), startedAt) != null);
            // From a second before the fault: what the warm-up of a busy machine did is not the fault's doing.
            figures = load.stop().since(killedAt - Duration.ofSeconds(1).toNanos());
            back = figures.servedAgain(killed.serverId(), startedAt);
            System.out.printf("ReplicaKillIT: SIGKILL at %dms, started again after %ds, with %d reads in flight: %s;"
                            + " failed after the first second of the outage: %d; replica-1 served again %dms after"
                            + " it accepted connections; slowest: %s; first error: %s%n", killedAt / 1_000_000,
                    DOWN_FOR.toSeconds(), IN_FLIGHT, figures,
                    figures.since(killedAt + Duration.ofSeconds(1).toNanos()).failed(), back.toMillis(),
                    figures.slowest(), figures.firstError());
        }
        finally {
            if (load != null) {
                load.stop();
            }
            router.close().block(Duration.ofSeconds(30));
            cluster.awaitReplication().block(Duration.ofSeconds(30));
        }

        assertThat(figures.ok()).isGreaterThan(1_000);
        assertThat(figures.failed()).as("failed reads, against %d in flight at the kill", IN_FLIGHT)
                .isLessThanOrEqualTo(2 * IN_FLIGHT);
        assertThat(figures.longestWithoutCompletion()).as("longest stretch without a completed read")
                .isLessThanOrEqualTo(PROBE_TIMEOUT.plus(INTERVAL).multipliedBy(2));
        assertThat(back).as("time from the restarted replica accepting connections to its first read")
                .isLessThanOrEqualTo(INTERVAL.multipliedBy(2).multipliedBy(2).plus(Duration.ofSeconds(1)));
    }
}
