package io.github.r2dbcrouting.it;

import java.time.Duration;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.github.r2dbcrouting.testbed.MariaDbCluster;
import io.github.r2dbcrouting.testbed.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica that hangs under load: 32 reads in flight while replica 1 is stopped with SIGSTOP for 20 seconds (it
 * accepts nothing and refuses nothing, as a stuck disk or a partition looks), then resumed with SIGCONT.
 * <p>
 * Goals, with the defaults of the pools the router builds and {@code replicaStatementTimeout(2s)}: reads stall for
 * at most {@code monitorTimeout + monitorInterval} (3s), no read lasts anywhere near the length of the hang, and the
 * replica serves again within two monitor intervals of SIGCONT. The assertions allow twice the goal, for a busy
 * machine.
 */
@ExtendWith(MariaDbCluster.class)
final class HungReplicaIT {

    private static final Duration HANG = Duration.ofSeconds(20);

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void aHungReplicaStallsReadsForSecondsNotForTheLengthOfTheHang(MariaDbCluster cluster) {
        MariaDbServer hung = cluster.replica(1);
        RoutingConnectionFactory router = Routers.withDefaultPools(cluster, builder -> builder
                .monitorInterval(INTERVAL)
                .monitorTimeout(PROBE_TIMEOUT)
                .replicaStatementTimeout(STATEMENT_TIMEOUT));
        Load load = null;
        Load.Figures figures;
        Duration back;
        try {
            Routers.await("both replicas were probed and are UP", Duration.ofSeconds(15),
                    () -> router.replicas().stream().allMatch(replica -> replica.state() == ReplicaState.UP
                            && replica.lag() != null));
            load = Load.start(() -> Routers.serverId(router).contextWrite(Routing.withReplica()), 32, 10_000_000,
                    Duration.ofSeconds(90));
            Load running = load;
            Routers.await("reads run", Duration.ofSeconds(15), () -> running.figures().ok() > 200);

            long pausedAt = load.now();
            hung.pause();
            try {
                Mono.delay(HANG).block();
            }
            finally {
                hung.resume();
            }
            long resumedAt = load.now();
            Routers.await("replica-1 serves reads again", Duration.ofSeconds(30),
                    () -> running.figures().servedAgain(hung.serverId(), resumedAt) != null);
            // From a second before the fault: what the warm-up of a busy machine did is not the fault's doing.
            figures = load.stop().since(pausedAt - Duration.ofSeconds(1).toNanos());
            back = figures.servedAgain(hung.serverId(), resumedAt);
            System.out.printf("HungReplicaIT: SIGSTOP %ds at %dms with 32 reads in flight: %s; replica-1 served "
                            + "again %dms after SIGCONT; slowest: %s; first error: %s%n", HANG.toSeconds(),
                    pausedAt / 1_000_000, figures, back.toMillis(), figures.slowest(), figures.firstError());
        }
        finally {
            if (load != null) {
                load.stop();
            }
            router.close().block(Duration.ofSeconds(30));
        }

        assertThat(figures.ok()).isGreaterThan(1_000);
        assertThat(figures.longestWithoutCompletion()).as("longest stretch without a completed read")
                .isLessThanOrEqualTo(PROBE_TIMEOUT.plus(INTERVAL).multipliedBy(2));
        assertThat(figures.longest()).as("longest read, against a hang of %ss", HANG.toSeconds())
                .isLessThanOrEqualTo(Duration.ofSeconds(8));
        assertThat(back).as("time from SIGCONT to the replica's first read")
                .isLessThanOrEqualTo(INTERVAL.multipliedBy(2).multipliedBy(2).plus(Duration.ofSeconds(1)));
    }
}
