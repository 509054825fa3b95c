package io.github.r2dbcrouting;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

final class WeightedSelector implements ReplicaSelector {

    static final String NAME = "weighted";

    static final WeightedSelector INSTANCE = new WeightedSelector();

    private WeightedSelector() {
    }

    @Override
    public Replica select(List<Replica> replicas) {
        int size = replicas.size();
        if (size == 1) {
            return replicas.get(0);
        }
        long total = 0;
        for (int i = 0; i < size; i++) {
            total += replicas.get(i).weight();
        }
        long point = ThreadLocalRandom.current().nextLong(total);
        for (int i = 0; i < size - 1; i++) {
            Replica replica = replicas.get(i);
            point -= replica.weight();
            if (point < 0) {
                return replica;
            }
        }
        return replicas.get(size - 1);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
