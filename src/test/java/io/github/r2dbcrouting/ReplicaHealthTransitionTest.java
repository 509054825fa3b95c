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
        ReplicaHealth after = before.probed(healthy("0-1-9"), this.policy, 0);

        assertThat(after.state()).isEqualTo(ReplicaState.UP);
        assertThat(after.lag()).isEqualTo(Duration.ofSeconds(2));
        assertThat(after.position()).isEqualTo("0-1-9");
        assertThat(before).isEqualTo(ReplicaHealth.INITIAL);
        assertThat(before.position()).isNull();
    }

    @Test
    void failuresRestLongerEachTimeUpToTheMaximum() {
        ReplicaHealth health = ReplicaHealth.INITIAL;
        long now = 0;
        long[] rests = new long[5];
        for (int i = 0; i < rests.length; i++) {
            health = health.failed("refused", this.policy, now);
            rests[i] = health.restNanos(now);
        }
        assertThat(rests).containsExactly(SECOND, 2 * SECOND, 4 * SECOND, 8 * SECOND, 8 * SECOND);
        assertThat(health.state()).isEqualTo(ReplicaState.DOWN);
        assertThat(health.failures()).isEqualTo(5);
    }

    @Test
    void aHealthyProbeDuringTheRestKeepsTheReplicaDownButRemembersItsPosition() {
        ReplicaHealth down = ReplicaHealth.INITIAL.probed(healthy("0-1-1"), this.policy, 0)
                .failed("refused", this.policy, 0);

        ReplicaHealth resting = down.probed(healthy("0-1-5"), this.policy, SECOND / 2);
        assertThat(resting.state()).isEqualTo(ReplicaState.DOWN);
        assertThat(resting.position()).isEqualTo("0-1-5");

        ReplicaHealth back = resting.probed(healthy("0-1-6"), this.policy, SECOND);
        assertThat(back.state()).isEqualTo(ReplicaState.UP);
        assertThat(back.failures()).isZero();
    }

    @Test
    void withoutAProbeAReplicaComesBackOnlyWhenItsRestIsOver() {
        ReplicaHealth down = ReplicaHealth.INITIAL.failed("refused", this.policy, 0);

        assertThat(down.reinstated(SECOND - 1)).isSameAs(down);
        ReplicaHealth back = down.reinstated(SECOND);
        assertThat(back.state()).isEqualTo(ReplicaState.UP);
        assertThat(back.reason()).contains("not probed");
    }

    @Test
    void aFailureLongAfterTheLastOneStartsANewSeries() {
        ReplicaHealth health = ReplicaHealth.INITIAL.failed("refused", this.policy, 0)
                .failed("refused", this.policy, 0)
                .reinstated(10 * SECOND);
        assertThat(health.failures()).isEqualTo(2);

        ReplicaHealth again = health.failed("refused", this.policy, 30 * SECOND);
        assertThat(again.failures()).isEqualTo(1);
        assertThat(again.restNanos(30 * SECOND)).isEqualTo(SECOND);
    }
}
