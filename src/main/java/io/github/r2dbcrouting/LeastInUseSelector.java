package io.github.r2dbcrouting;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

final class LeastInUseSelector implements ReplicaSelector {

    static final String NAME = "least-in-use";

    private final AtomicInteger start = new AtomicInteger();

    @Override
    public Replica select(List<Replica> replicas) {
        int size = replicas.size();
        if (size == 1) {
            return replicas.get(0);
        }
        int offset = Math.floorMod(this.start.getAndIncrement(), size);
        Replica best = replicas.get(offset);
        int bestLoad = best.inUse();
        for (int i = 1; i < size && bestLoad > 0; i++) {
            Replica candidate = replicas.get((offset + i) % size);
            int load = candidate.inUse();
            if (load < bestLoad) {
                best = candidate;
                bestLoad = load;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
