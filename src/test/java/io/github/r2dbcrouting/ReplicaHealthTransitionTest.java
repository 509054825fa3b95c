package io.github.r2dbcrouting;

import java.time.Duration;

import io.github.r2dbcrouting.dialect.ReplicationStatus;
import io.github.r2dbcrouting.replica.ReplicaState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pure transitions of one replica's health: each event makes a new snapshot and leaves the old one as it was.
 */
final class ReplicaHealthTransitionTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final HealthPolicy policy = new HealthPolicy(Duration.ofSeconds(5), Duration.ofSeconds(1),
            Duration.ofSeconds(8));

    private static ReplicationStatus healthy(String position) {
        return new ReplicationStatus(true, true, Duration.ofSeconds(2), position);
    }

    @Test
    void aProbeRecordsStateLagAndPositionInANewSnapshot() {
        ReplicaHealth before = ReplicaHealth.INITIAL;
        ReplicaHealth after = before.probed(healthy("0-1-9"), this.policy, 0, 0.5);

        assertThat(after.state()).isEqualTo(ReplicaState.UP);
        assertThat(after.lag()).isEqualTo(Duration.ofSeconds(2));
        assertThat(after.position()).isEqualTo("0-1-9");
        assertThat(before).isEqualTo(ReplicaHealth.INITIAL);
        assertThat(before.position()).isNull();
    }

    @Test
    void outagesInARowRestLongerEachTimeUpToTheMaximum() {
        ReplicaHealth health = ReplicaHealth.INITIAL;
        long[] rests = new long[5];
        for (int i = 0; i < rests.length; i++) {
            health = health.failed("refused", this.policy, 0, 0.5);
            rests[i] = health.restNanos(0);
            health = health.probed(healthy("0-1-1"), this.policy, 0, 0.5)
                    .probed(healthy("0-1-1"), this.policy, 0, 0.5);
            assertThat(health.state()).isEqualTo(ReplicaState.UP);
        }
        assertThat(rests).containsExactly(SECOND, 2 * SECOND, 4 * SECOND, 8 * SECOND, 8 * SECOND);
        assertThat(health.failures()).isEqualTo(5);
    }

    @Test
    void failuresDuringOneOutageCountOnce() {
        ReplicaHealth down = ReplicaHealth.INITIAL.failed("refused", this.policy, 0, 0.5);
        ReplicaHealth later = down.failed("refused again", this.policy, SECOND / 2, 0.5)
                .failed("timed out", this.policy, SECOND / 2, 0.5);

        assertThat(later.failures()).isEqualTo(1);
        assertThat(later.restUntilNanos()).isEqualTo(down.restUntilNanos());
        assertThat(later.reason()).isEqualTo("timed out");
    }

    @Test
    void aDownReplicaNeedsTwoHealthyProbesInARowWhateverItsRest() {
        ReplicaHealth down = ReplicaHealth.INITIAL.probed(healthy("0-1-1"), this.policy, 0, 0.5)
                .failed("refused", this.policy, 0, 0.5);

        ReplicaHealth once = down.probed(healthy("0-1-5"), this.policy, SECOND / 10, 0.5);
        assertThat(once.state()).isEqualTo(ReplicaState.DOWN);
        assertThat(once.reason()).startsWith("answering again (1 of 2 healthy probes)");
        assertThat(once.position()).isEqualTo("0-1-5");

        ReplicaHealth twice = once.probed(healthy("0-1-6"), this.policy, SECOND / 5, 0.5);
        assertThat(twice.state()).isEqualTo(ReplicaState.UP);
        assertThat(twice.position()).isEqualTo("0-1-6");
    }

    @Test
    void aReplicaThatFailsEveryOtherProbeStaysDown() {
        ReplicaHealth health = ReplicaHealth.INITIAL.failed("refused", this.policy, 0, 0.5);
        for (int i = 1; i <= 10; i++) {
            health = i % 2 == 0 ? health.failed("refused", this.policy, i * SECOND, 0.5)
                    : health.probed(healthy("0-1-1"), this.policy, i * SECOND, 0.5);
            assertThat(health.state()).as("probe %d", i).isEqualTo(ReplicaState.DOWN);
        }
        assertThat(health.failures()).isEqualTo(1);
    }

    @Test
    void restsAreSpreadByJitter() {
        ReplicaHealth shortest = ReplicaHealth.INITIAL.failed("refused", this.policy, 0, 0.0);
        ReplicaHealth longest = ReplicaHealth.INITIAL.failed("refused", this.policy, 0, 0.999);
        assertThat(shortest.restNanos(0)).isEqualTo(SECOND * 8 / 10);
        assertThat(longest.restNanos(0)).isBetween(SECOND * 119 / 100, SECOND * 12 / 10);
    }

    @Test
    void withoutAProbeAReplicaComesBackOnlyWhenItsRestIsOver() {
        ReplicaHealth down = ReplicaHealth.INITIAL.failed("refused", this.policy, 0, 0.5);

        assertThat(down.reinstated(SECOND - 1)).isSameAs(down);
        ReplicaHealth back = down.reinstated(SECOND);
        assertThat(back.state()).isEqualTo(ReplicaState.UP);
        assertThat(back.reason()).contains("not probed");
    }

    @Test
    void aFailureLongAfterTheLastOneStartsANewSeries() {
        ReplicaHealth health = ReplicaHealth.INITIAL.failed("refused", this.policy, 0, 0.5)
                .reinstated(5 * SECOND)
                .failed("refused", this.policy, 5 * SECOND, 0.5)
                .reinstated(20 * SECOND);
        assertThat(health.failures()).isEqualTo(2);

        ReplicaHealth again = health.failed("refused", this.policy, 40 * SECOND, 0.5);
        assertThat(again.failures()).isEqualTo(1);
        assertThat(again.restNanos(40 * SECOND)).isEqualTo(SECOND);
    }
}
