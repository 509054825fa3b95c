package io.github.r2dbcrouting.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A bounded load for fault tests: {@code inFlight} operations at a time, each a {@code Mono} of the server id that
 * served it, until {@link #stop()}, {@code maxOperations} or {@code maxDuration}, whichever comes first. It records
 * when each operation started and ended and where it ran, so that a test can tell how long callers waited, how long
 * nothing completed, and when a server served again.
 */
public final class Load {

    private final long startNanos = System.nanoTime();

    private final Queue<Sample> samples = new ConcurrentLinkedQueue<>();

    private final Disposable running;

    private Load(Supplier<Mono<Integer>> operation, int inFlight, long maxOperations, Duration maxDuration) {
        this.running = Flux.range(0, (int) Math.min(maxOperations, Integer.MAX_VALUE))
                .flatMap(i -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    return operation.get()
                            .doOnNext(server -> this.samples.add(new Sample(start, System.nanoTime(), server)))
                            .onErrorResume(error -> {
                                this.samples.add(new Sample(start, System.nanoTime(), -1, error));
                                return Mono.empty();
                            });
                }), inFlight)
                .take(maxDuration)
                .subscribe();
    }

    /**
     * Start the load.
     *
     * @param operation one unit of work: a {@code Mono} of the {@code @@server_id} that served it
     * @param inFlight how many run at a time
     * @param maxOperations the most it runs in all
     * @param maxDuration the longest it runs
     * @return the running load
     */
    public static Load start(Supplier<Mono<Integer>> operation, int inFlight, long maxOperations,
            Duration maxDuration) {
        return new Load(operation, inFlight, maxOperations, maxDuration);
    }

    /**
     * @return nanoseconds since the load started, on the clock of its samples
     */
    public long now() {
        return System.nanoTime() - this.startNanos;
    }

    /**
     * @param server a {@code @@server_id}
     * @return whether an operation that started in the last second completed on {@code server}
     */
    public boolean serves(int server) {
        return figures().servedAgain(server, now() - Duration.ofSeconds(1).toNanos()) != null;
    }

    /**
     * Stop starting operations; those in flight are cancelled.
     *
     * @return the figures of everything that completed
     */
    public Figures stop() {
        this.running.dispose();
        return new Figures(new ArrayList<>(this.samples), this.startNanos);
    }

    /**
     * @return the figures so far, without stopping
     */
    public Figures figures() {
        return new Figures(new ArrayList<>(this.samples), this.startNanos);
    }

    record Sample(long startNanos, long endNanos, int server, Throwable error) {

        Sample(long startNanos, long endNanos, int server) {
            this(startNanos, endNanos, server, null);
        }

        boolean ok() {
            return this.error == null;
        }
    }

    /**
     * What a load measured.
     */
    public static final class Figures {

        private final List<Sample> samples;

        private final long originNanos;

        Figures(List<Sample> samples, long originNanos) {
            this.samples = samples;
            this.originNanos = originNanos;
        }

        public long ok() {
            return this.samples.stream().filter(Sample::ok).count();
        }

        public long failed() {
            return this.samples.size() - ok();
        }

        /**
         * @param fromNanos a time from {@link Load#now()}
         * @return the figures of the operations that started at or after {@code fromNanos}
         */
        public Figures since(long fromNanos) {
            long from = this.originNanos + fromNanos;
            return new Figures(this.samples.stream().filter(s -> s.startNanos() >= from).toList(), this.originNanos);
        }

        /**
         * @param toNanos a time from {@link Load#now()}
         * @return the figures of the operations that started before {@code toNanos}
         */
        public Figures until(long toNanos) {
            long to = this.originNanos + toNanos;
            return new Figures(this.samples.stream().filter(s -> s.startNanos() < to).toList(), this.originNanos);
        }

        /**
         * @return the errors of the failed operations, in the order they were recorded
         */
        public List<Throwable> errors() {
            return this.samples.stream().filter(s -> !s.ok()).map(Sample::error).toList();
        }

        /**
         * @return the longest failed operation, or zero if none failed
         */
        public Duration longestFailed() {
            return Duration.ofNanos(this.samples.stream().filter(s -> !s.ok())
                    .mapToLong(s -> s.endNanos() - s.startNanos()).max().orElse(0));
        }

        /**
         * @return the longest operation, ok or failed
         */
        public Duration longest() {
            return Duration.ofNanos(this.samples.stream().mapToLong(s -> s.endNanos() - s.startNanos()).max()
                    .orElse(0));
        }

        /**
         * @return the longest stretch, between the first and the last completion, in which no operation completed
         * successfully
         */
        public Duration longestWithoutCompletion() {
            long[] ends = this.samples.stream().filter(Sample::ok).mapToLong(Sample::endNanos).sorted().toArray();
            long longest = 0;
            for (int i = 1; i < ends.length; i++) {
                longest = Math.max(longest, ends[i] - ends[i - 1]);
            }
            return Duration.ofNanos(longest);
        }

        /**
         * @param server a {@code @@server_id}
         * @param afterNanos a time from {@link Load#now()}
         * @return how long after {@code afterNanos} the first operation that started then completed on
         * {@code server}, or {@code null} if none did
         */
        public Duration servedAgain(int server, long afterNanos) {
            long from = this.originNanos + afterNanos;
            return this.samples.stream()
                    .filter(s -> s.ok() && s.server() == server && s.startNanos() >= from)
                    .mapToLong(Sample::endNanos)
                    .min()
                    .stream()
                    .mapToObj(end -> Duration.ofNanos(end - from))
                    .findFirst()
                    .orElse(null);
        }

        /**
         * @return the longest operation described: how long, where, and how it ended
         */
        public String slowest() {
            return this.samples.stream()
                    .max(java.util.Comparator.comparingLong(s -> s.endNanos() - s.startNanos()))
                    .map(s -> (s.endNanos() - s.startNanos()) / 1_000_000 + "ms at "
                            + (s.startNanos() - this.originNanos) / 1_000_000 + "ms, "
                            + (s.ok() ? "served by server " + s.server() : "failed: " + s.error()))
                    .orElse("none");
        }

        /**
         * @return one distinct error message, for the report, or {@code none}
         */
        public String firstError() {
            return this.samples.stream().filter(s -> !s.ok()).map(s -> String.valueOf(s.error()))
                    .findFirst().orElse("none");
        }

        @Override
        public String toString() {
            return "ok=" + ok() + " failed=" + failed() + " longest=" + longest().toMillis() + "ms"
                    + " longestWithoutCompletion=" + longestWithoutCompletion().toMillis() + "ms";
        }
    }
}
