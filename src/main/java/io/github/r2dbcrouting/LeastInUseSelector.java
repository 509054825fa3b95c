package io.github.r2dbcrouting;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the less loaded of two replicas: with two replicas, both, taken in turn when tied; with more, two chosen at
 * random ("power of two choices"), which balances almost as well as scanning every pool and costs the same for 16
 * replicas as for 2.
 */
final class LeastInUseSelector implements ReplicaSelector {

    static final String NAME = "least-in-use";

    private final AtomicInteger turn = new AtomicInteger();

    @Override
    public Replica select(List<Replica> replicas) {
        int size = replicas.size();
        if (size == 1) {
            return replicas.get(0);
        }
        Replica first;
        Replica second;
        if (size == 2) {
            int start = this.turn.getAndIncrement() & 1;
            first = replicas.get(start);
            second = replicas.get(start ^ 1);
        }
        else {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int i = random.nextInt(size);
            int j = random.nextInt(size - 1);
            first = replicas.get(i);
            second = replicas.get(j >= i ? j + 1 : j);
        }
        return second.inUse() < first.inUse() ? second : first;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
