package io.github.r2dbcrouting.replica;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

final class ReplicaSelectorTest {

    private final List<Replica> replicas = List.of(replica("replica-1", 3), replica("replica-2", 1));

    private static Replica replica(String name, int weight) {
        return new FixedReplica(name, weight, 0);
    }

    private static Map<String, Integer> countSelections(ReplicaSelector selector, List<Replica> replicas, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(selector.select(replicas).name(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinTakesReplicasInTurn() {
        ReplicaSelector selector = ReplicaSelector.roundRobin();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            names.add(selector.select(this.replicas).name());
        }
        assertThat(names).containsExactly("replica-1", "replica-2", "replica-1", "replica-2");
    }

    @Test
    void randomChoosesEveryReplicaAboutEqually() {
        Map<String, Integer> counts = countSelections(ReplicaSelector.random(), this.replicas, 20_000);
        assertThat(counts.get("replica-1") / 20_000.0).isCloseTo(0.5, within(0.05));
    }

    @Test
    void weightedFollowsTheWeights() {
        Map<String, Integer> counts = countSelections(ReplicaSelector.weighted(), this.replicas, 20_000);
        assertThat(counts.get("replica-1") / 20_000.0).isCloseTo(0.75, within(0.05));
    }

    @Test
    void leastInUsePrefersTheReplicaWithFewerConnectionsInUse() {
        ReplicaSelector selector = ReplicaSelector.leastInUse();

        assertThat(countSelections(selector, List.of(new FixedReplica("busy", 1, 1), new FixedReplica("idle", 1, 0)),
                10)).containsOnlyKeys("idle");
        assertThat(countSelections(selector, List.of(new FixedReplica("busy", 1, 0), new FixedReplica("idle", 1, 0)),
                10)).containsKeys("busy", "idle");
    }

    @Test
    void leastInUseAmongManyReplicasAvoidsTheBusiestAndUsesTheOthers() {
        List<Replica> many = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            many.add(new FixedReplica("replica-" + i, 1, i == 0 ? 1 : 0));
        }
        Map<String, Integer> counts = countSelections(ReplicaSelector.leastInUse(), many, 8_000);
        assertThat(counts).doesNotContainKey("replica-0").hasSize(7);
    }

    @Test
    void weightedFollowsUnevenWeightsAmongManyReplicas() {
        List<Replica> four = List.of(replica("w1", 1), replica("w2", 2), replica("w3", 3), replica("w4", 4));
        Map<String, Integer> counts = countSelections(ReplicaSelector.weighted(), four, 40_000);
        for (Replica replica : four) {
            assertThat(counts.get(replica.name()) / 40_000.0).as(replica.name())
                    .isCloseTo(replica.weight() / 10.0, within(0.02));
        }
    }

    @Test
    void weightedFollowsTheWeightsOfEachNewList() {
        ReplicaSelector selector = ReplicaSelector.weighted();
        countSelections(selector, this.replicas, 10);
        List<Replica> reweighted = List.of(replica("replica-1", 1), replica("replica-2", 9));
        Map<String, Integer> counts = countSelections(selector, reweighted, 20_000);
        assertThat(counts.get("replica-2") / 20_000.0).isCloseTo(0.9, within(0.03));
    }

    @Test
    void leastInUseTakesTiedReplicasInTurn() {
        assertThat(countSelections(ReplicaSelector.leastInUse(), this.replicas, 10))
                .containsEntry("replica-1", 5)
                .containsEntry("replica-2", 5);
    }

    @Test
    void aSingleReplicaIsAlwaysChosen() {
        List<Replica> one = List.of(replica("only", 1));
        for (ReplicaSelector selector : List.of(ReplicaSelector.roundRobin(), ReplicaSelector.random(),
                ReplicaSelector.weighted(), ReplicaSelector.leastInUse())) {
            assertThat(selector.select(one).name()).isEqualTo("only");
        }
    }

    @Test
    void namedAcceptsEveryConfigurationSpelling() {
        assertThat(ReplicaSelector.named("round-robin")).hasToString("round-robin");
        assertThat(ReplicaSelector.named("ROUND_ROBIN")).hasToString("round-robin");
        assertThat(ReplicaSelector.named("random")).hasToString("random");
        assertThat(ReplicaSelector.named("Weighted")).hasToString("weighted");
        assertThat(ReplicaSelector.named("least_in_use")).hasToString("least-in-use");
    }

    @Test
    void namedRejectsUnknownNamesAndNull() {
        assertThatIllegalArgumentException().isThrownBy(() -> ReplicaSelector.named("nearest"))
                .withMessage("Unknown replica selection 'nearest'; use one of round-robin, random, weighted, "
                        + "least-in-use");
        assertThatIllegalArgumentException().isThrownBy(() -> ReplicaSelector.named(null));
    }

    /**
     * A replica with fixed values, as a user would write one to test a selector of their own.
     */
    private record FixedReplica(String name, int weight, int inUse) implements Replica {

        @Override
        public ReplicaState state() {
            return ReplicaState.UP;
        }

        @Override
        public String reason() {
            return "fixed";
        }

        @Override
        public @Nullable Duration lag() {
            return Duration.ZERO;
        }

        @Override
        public @Nullable String position() {
            return null;
        }
    }
}
