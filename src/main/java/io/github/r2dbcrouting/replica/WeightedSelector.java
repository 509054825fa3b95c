package io.github.r2dbcrouting.replica;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a replica at random in proportion to its weight, in constant time whatever the number of replicas: Vose's
 * alias method, with its table built once per list of replicas (the router hands the same list until a replica
 * changes state).
 */
final class WeightedSelector implements ReplicaSelector {

    static final String NAME = "weighted";

    private volatile AliasTable table = new AliasTable(List.of());

    @Override
    public Replica select(List<Replica> replicas) {
        int size = replicas.size();
        if (size == 1) {
            return replicas.get(0);
        }
        AliasTable current = this.table;
        if (current.replicas != replicas) {
            current = new AliasTable(replicas);
            this.table = current;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int column = random.nextInt(size);
        return replicas.get(random.nextDouble() < current.probability[column] ? column : current.alias[column]);
    }

    @Override
    public String toString() {
        return NAME;
    }

    /**
     * Column {@code i} holds replica {@code i} with {@code probability[i]} and replica {@code alias[i]} otherwise;
     * a uniform column and a uniform draw then pick each replica in proportion to its weight.
     */
    private static final class AliasTable {

        final List<Replica> replicas;

        final double[] probability;

        final int[] alias;

        AliasTable(List<Replica> replicas) {
            int size = replicas.size();
            this.replicas = replicas;
            this.probability = new double[size];
            this.alias = new int[size];
            long total = 0;
            for (Replica replica : replicas) {
                total += replica.weight();
            }
            double[] scaled = new double[size];
            Deque<Integer> small = new ArrayDeque<>();
            Deque<Integer> large = new ArrayDeque<>();
            for (int i = 0; i < size; i++) {
                scaled[i] = (double) replicas.get(i).weight() * size / total;
                (scaled[i] < 1.0 ? small : large).push(i);
            }
            while (!small.isEmpty() && !large.isEmpty()) {
                int less = small.pop();
                int more = large.pop();
                this.probability[less] = scaled[less];
                this.alias[less] = more;
                scaled[more] = scaled[more] + scaled[less] - 1.0;
                (scaled[more] < 1.0 ? small : large).push(more);
            }
            while (!large.isEmpty()) {
                this.probability[large.pop()] = 1.0;
            }
            while (!small.isEmpty()) {
                this.probability[small.pop()] = 1.0;
            }
        }
    }
}
