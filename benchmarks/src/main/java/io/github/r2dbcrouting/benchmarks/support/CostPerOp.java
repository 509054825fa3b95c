package io.github.r2dbcrouting.benchmarks.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * What one {@code create()} + {@code close()} costs the calling thread, measured without JMH: CPU time of the
 * thread ({@code ThreadMXBean.getCurrentThreadCpuTime}, so that time the thread spends descheduled on a busy machine
 * does not count) and bytes allocated by the thread ({@code getThreadAllocatedBytes}), per operation, over batches
 * after a warm-up. One contender per JVM, so that each is compiled as in its own JMH fork.
 * <p>
 * With {@code --alloc-classes} it also records every allocation of a few thousand operations with Java Flight
 * Recorder's {@code jdk.ObjectAllocationOutsideTLAB} event and prints objects per operation by class and allocating
 * frame. Run that with {@code -XX:-UseTLAB}, so that every allocation is outside a TLAB and none is missed.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.r2dbcrouting.benchmarks.support.CostPerOp pool router
 * java -XX:-UseTLAB -cp benchmarks/target/benchmarks.jar io.github.r2dbcrouting.benchmarks.support.CostPerOp pool router --alloc-classes
 * </pre>
 *
 * Arguments: path ({@code stub} or {@code pool}, as in {@code StubCreateBenchmark} and
 * {@code PooledCreateBenchmark}), contender, then options. Contenders: {@code direct}, {@code router} and
 * {@code spring} as in the benchmarks; {@code direct-in-router-context}, the first replica's factory subscribed with
 * the router's Context; {@code alternate}, the two replicas' factories in turn without a router; {@code router1}, a
 * router whose only replica is the first. Options: {@code --warmup-seconds N} (default 10), {@code --warmup-ops N}
 * (operations after that, default 0), {@code --batches N} (default 30), {@code --batch-ops N} (default 100000 on the
 * stub, 10000 through the pool), {@code --alloc-classes}, and {@code --gate DIR}, with which the batches wait for an
 * outside tool instead of being timed (see {@code benchmarks/count-instructions.sh}).
 */
public final class CostPerOp {

    private static final String EVENT = "jdk.ObjectAllocationOutsideTLAB";

    private CostPerOp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CostPerOp stub|pool direct|direct-in-router-context|alternate|router|router1|spring"
                    + " [--warmup-seconds N] [--warmup-ops N] [--batches N] [--batch-ops N] [--alloc-classes]"
                    + " [--gate DIR]");
            System.exit(2);
        }
        String path = args[0];
        String contender = args[1];
        boolean pooled = switch (path) {
            case "stub" -> false;
            case "pool" -> true;
            default -> throw new IllegalArgumentException("path: stub or pool, not " + path);
        };
        int warmupSeconds = 10;
        int batches = 30;
        int batchOps = pooled ? 10_000 : 100_000;
        boolean allocClasses = false;
        long warmupOps = 0;
        Path gate = null;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[++i]);
                case "--batches" -> batches = Integer.parseInt(args[++i]);
                case "--batch-ops" -> batchOps = Integer.parseInt(args[++i]);
                case "--alloc-classes" -> allocClasses = true;
                case "--warmup-ops" -> warmupOps = Long.parseLong(args[++i]);
                case "--gate" -> gate = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }

        List<ConnectionPool> pools = new ArrayList<>();
        Contenders contenders;
        if (pooled) {
            ConnectionPool primary = Pools.overStub("primary");
            List<ConnectionPool> replicas = List.of(Pools.overStub("replica-1"), Pools.overStub("replica-2"));
            pools.add(primary);
            pools.addAll(replicas);
            contenders = Contenders.over(primary, replicas, false);
        }
        else {
            contenders = Contenders.over(StubConnectionFactory.shared("primary"),
                    List.of(StubConnectionFactory.shared("replica-1"), StubConnectionFactory.shared("replica-2")),
                    false);
        }
        contenders.requireReplicaRoutes(connection -> Mono.just(StubConnection.originOf(connection)), "primary");
        Contenders oneReplica = null;
        ConnectionFactory[] factories;
        Context context;
        switch (contender) {
            case "direct" -> {
                factories = new ConnectionFactory[] {contenders.direct};
                context = contenders.directContext;
            }
            case "direct-in-router-context" -> {
                // No routing, but the Context the router is subscribed with: the same Context reads cost the same.
                factories = new ConnectionFactory[] {contenders.direct};
                context = contenders.routerContext;
            }
            case "alternate" -> {
                // No routing, but the two replicas' factories in turn, as the router's round-robin takes them.
                factories = new ConnectionFactory[] {contenders.router.replicaConnectionFactory("replica-1"),
                        contenders.router.replicaConnectionFactory("replica-2")};
                context = contenders.directContext;
            }
            case "router" -> {
                factories = new ConnectionFactory[] {contenders.router};
                context = contenders.routerContext;
            }
            case "router1" -> {
                // A router over the primary and the first replica only: every create() goes to the same pool.
                oneReplica = Contenders.over(contenders.router.unwrap(),
                        List.of(contenders.router.replicaConnectionFactory("replica-1")), false);
                factories = new ConnectionFactory[] {oneReplica.router};
                context = oneReplica.routerContext;
            }
            case "cluster-no-registry" -> {
                // The default cluster's path through a router without any cluster registry: create() before
                // clusters. The cluster-* contenders are over the stub whatever the path says.
                factories = new ConnectionFactory[] {ClusterRouters.withoutRegistry(ClusterRouters.configuration(0))};
                context = contenders.routerContext;
            }
            case "cluster-default" -> {
                // A router with 1,000 static clusters registered, used without a cluster key.
                factories = new ConnectionFactory[] {new RoutingConnectionFactory(ClusterRouters.configuration(1000))};
                context = contenders.routerContext;
            }
            case "cluster-named" -> {
                // The same router under withCluster("cluster-500"): choosing one of 1,000 static clusters.
                factories = new ConnectionFactory[] {new RoutingConnectionFactory(ClusterRouters.configuration(1000))};
                context = Routing.withCluster("cluster-500").apply(contenders.routerContext);
            }
            case "spring" -> {
                factories = new ConnectionFactory[] {contenders.spring};
                context = contenders.springContext;
            }
            default -> throw new IllegalArgumentException("contender: direct, direct-in-router-context, alternate,"
                    + " router, router1, spring, cluster-no-registry, cluster-default or cluster-named, not " + contender);
        }
        int mask = factories.length - 1;

        CreateClose createClose = new CreateClose();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        long self = Thread.currentThread().getId();

        long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        while (System.nanoTime() < warmupEnd) {
            run(createClose, factories, context, mask, 1000);
        }

        for (long done = 0; done < warmupOps; done += 1000) {
            run(createClose, factories, context, mask, 1000);
        }
        if (gate != null) {
            runGated(gate, createClose, factories, context, mask, batches, batchOps);
            close(contenders, oneReplica, pools);
            return;
        }

        double[] cpu = new double[batches];
        double[] bytes = new double[batches];
        for (int b = 0; b < batches; b++) {
            long bytes0 = threads.getThreadAllocatedBytes(self);
            long cpu0 = threads.getCurrentThreadCpuTime();
            run(createClose, factories, context, mask, batchOps);
            long cpu1 = threads.getCurrentThreadCpuTime();
            long bytes1 = threads.getThreadAllocatedBytes(self);
            cpu[b] = (cpu1 - cpu0) / (double) batchOps;
            bytes[b] = (bytes1 - bytes0) / (double) batchOps;
        }
        double[] sorted = cpu.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%s %s: cpu ns/op median %.1f, q1 %.1f, q3 %.1f, min %.1f; B/op %.1f%n", path,
                contender, sorted[batches / 2], sorted[batches / 4], sorted[3 * batches / 4], sorted[0],
                Arrays.stream(bytes).average().orElse(0));

        if (allocClasses) {
            printAllocations(createClose, factories, context, mask, Math.min(batchOps, 5000));
        }
        close(contenders, oneReplica, pools);
    }

    private static void close(Contenders contenders, Contenders oneReplica, List<ConnectionPool> pools) {
        contenders.close();
        if (oneReplica != null) {
            oneReplica.close();
        }
        Pools.closeAll(pools);
    }

    /**
     * The loop of every phase, warm-up included, so that it is compiled before anything is measured.
     */
    private static void run(CreateClose createClose, ConnectionFactory[] factories, Context context, int mask,
            int ops) {
        for (int i = 0; i < ops; i++) {
            createClose.run(factories[i & mask], context);
        }
    }

    /**
     * For counting instructions under an outside tool (Valgrind's Callgrind, toggled by {@code callgrind_control}):
     * creates {@code gate/ready}, then for each batch waits for {@code gate/go-N}, runs the batch and creates
     * {@code gate/done-N}. Batches alternate between {@code batchOps} and twice as many operations, so that the
     * difference of two consecutive batches is the count of {@code batchOps} operations without what waiting at the
     * gate costs.
     */
    private static void runGated(Path gate, CreateClose createClose, ConnectionFactory[] factories, Context context,
            int mask, int batches, int batchOps) throws IOException, InterruptedException {
        Files.createDirectories(gate);
        Files.writeString(gate.resolve("ready"), "");
        for (int b = 0; b < batches; b++) {
            Path go = gate.resolve("go-" + b);
            while (!Files.exists(go)) {
                Thread.sleep(20);
            }
            run(createClose, factories, context, mask, b % 2 == 0 ? batchOps : 2 * batchOps);
            Files.writeString(gate.resolve("done-" + b), "");
        }
    }

    private static void printAllocations(CreateClose createClose, ConnectionFactory[] factories, Context context,
            int mask, int ops) throws IOException {
        Path file = Files.createTempFile("costperop", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable(EVENT).withStackTrace().withThreshold(java.time.Duration.ZERO);
            recording.start();
            run(createClose, factories, context, mask, ops);
            recording.stop();
            recording.dump(file);
        }
        long self = Thread.currentThread().getId();
        Map<String, long[]> byClass = new HashMap<>();
        long events = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals(EVENT) || event.getThread() == null
                    || event.getThread().getJavaThreadId() != self) {
                continue;
            }
            events++;
            String type = event.getClass("objectClass").getName().replaceAll("\\$\\$Lambda\\$.*", "\\$\\$Lambda");
            String where = "?";
            if (event.getStackTrace() != null) {
                for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                    String owner = frame.getMethod().getType().getName();
                    if (!frame.isJavaFrame() || owner.startsWith("java.") || owner.startsWith("jdk.")
                            || owner.startsWith("sun.")) {
                        continue;
                    }
                    where = owner + "." + frame.getMethod().getName();
                    break;
                }
            }
            long[] counts = byClass.computeIfAbsent(type + "  <-  " + where, key -> new long[2]);
            counts[0]++;
            counts[1] += event.getLong("allocationSize");
        }
        Files.deleteIfExists(file);
        System.out.printf(Locale.ROOT, "allocations of %d operations (%d events), per operation:%n", ops, events);
        long totalBytes = 0;
        List<Map.Entry<String, long[]>> rows = new ArrayList<>(byClass.entrySet());
        rows.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        for (Map.Entry<String, long[]> row : rows) {
            totalBytes += row.getValue()[1];
            if (row.getValue()[0] < ops / 100) {
                continue;
            }
            System.out.printf(Locale.ROOT, "  %6.2f x %5.0f B  %s%n", row.getValue()[0] / (double) ops,
                    row.getValue()[1] / (double) Math.max(1, row.getValue()[0]), row.getKey());
        }
        System.out.printf(Locale.ROOT, "  total %.1f B/op%n", totalBytes / (double) ops);
    }
}
