package io.github.r2dbcrouting.replica;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

final class RandomSelector implements ReplicaSelector {

    static final String NAME = "random";

    static final RandomSelector INSTANCE = new RandomSelector();

    private RandomSelector() {
    }

    @Override
    public Replica select(List<Replica> replicas) {
        int size = replicas.size();
        return size == 1 ? replicas.get(0) : replicas.get(ThreadLocalRandom.current().nextInt(size));
    }

    @Override
    public String toString() {
        return NAME;
    }
}
