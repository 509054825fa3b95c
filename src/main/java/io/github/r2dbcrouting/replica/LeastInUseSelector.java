package io.github.r2dbcrouting.replica;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the less loaded of two replicas: the next one in turn and one other at random (the "power of two
 * choices"), which balances almost as well as reading every pool and costs the same for 16 replicas as for 2. With
 * two replicas both are compared, and tied ones are taken in turn.
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
        int first = Math.floorMod(this.turn.getAndIncrement(), size);
        int other = size == 2 ? 1 : 1 + ThreadLocalRandom.current().nextInt(size - 1);
        Replica candidate = replicas.get(first);
        Replica alternative = replicas.get((first + other) % size);
        return alternative.inUse() < candidate.inUse() ? alternative : candidate;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
