package io.github.r2dbcrouting.replica;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

final class RoundRobinSelector implements ReplicaSelector {

    static final String NAME = "round-robin";

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Replica select(List<Replica> replicas) {
        int size = replicas.size();
        return size == 1 ? replicas.get(0) : replicas.get(Math.floorMod(this.next.getAndIncrement(), size));
    }

    @Override
    public String toString() {
        return NAME;
    }
}
