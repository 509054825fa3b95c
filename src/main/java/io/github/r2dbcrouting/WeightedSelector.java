package io.github.r2dbcrouting;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a replica at random in proportion to its weight: a binary search over cumulative weights, which are
 * computed once per list of replicas (the router hands the same list until a replica changes state).
 */
final class WeightedSelector implements ReplicaSelector {

    static final String NAME = "weighted";

    private volatile Cumulative cumulative = new Cumulative(List.of());


    @Override
    public Replica select(List<Replica> replicas) {
        int size = replicas.size();
        if (size == 1) {
            return replicas.get(0);
        }
        Cumulative weights = this.cumulative;
        if (weights.replicas != replicas) {
            weights = new Cumulative(replicas);
            this.cumulative = weights;
        }
        long point = ThreadLocalRandom.current().nextLong(weights.total());
        int low = 0;
        int high = size - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (point < weights.upTo[middle]) {
                high = middle;
            }
            else {
                low = middle + 1;
            }
        }
        return replicas.get(low);
    }

    @Override
    public String toString() {
        return NAME;
    }

    /**
     * The running totals of a list's weights: {@code upTo[i]} is the sum of the weights of replicas 0 to i.
     */
    private static final class Cumulative {

        final List<Replica> replicas;

        final long[] upTo;

        Cumulative(List<Replica> replicas) {
            this.replicas = replicas;
            this.upTo = new long[replicas.size()];
            long total = 0;
            for (int i = 0; i < this.upTo.length; i++) {
                total += replicas.get(i).weight();
                this.upTo[i] = total;
            }
        }

        long total() {
            return this.upTo.length == 0 ? 0 : this.upTo[this.upTo.length - 1];
        }
    }
}
