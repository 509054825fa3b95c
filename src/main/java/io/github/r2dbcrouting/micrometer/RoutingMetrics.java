package io.github.r2dbcrouting.micrometer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.ConnectionAcquisition;
import io.github.r2dbcrouting.Route;
import io.github.r2dbcrouting.RoutingListener;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RoutingListener} that counts and times what the router does, as {@code r2dbc.routing.*} meters:
 * <ul>
 * <li>{@value #CONNECTIONS} (counter; {@code route}, {@code target}): connections handed out;</li>
 * <li>{@value #ACQUISITION} (timer; {@code target}): time from {@code create()} to the connection handed out,
 * failovers and read-your-writes waits included;</li>
 * <li>{@value #ACQUISITION_FAILURES} (counter; {@code route}, {@code target}, {@code exception}): {@code create()}
 * calls that ended in an error;</li>
 * <li>{@value #FAILOVERS} (counter; {@code replica}, {@code next}): replicas that failed to hand out a connection,
 * and where the same {@code create()} went next;</li>
 * <li>{@value #FALLBACKS} (counter; {@code reason}): replica reads served by the primary;</li>
 * <li>{@value #READ_YOUR_WRITES_WAITS} (timer; {@code replica}, {@code outcome}): waits for a replica to apply a
 * session's write;</li>
 * <li>{@value #ESCALATIONS} (counter; {@code route}): replica or auto connections that moved to the primary for a
 * write;</li>
 * <li>{@value #STATE_CHANGES} (counter; {@code replica}, {@code from}, {@code to}): replica state changes.</li>
 * </ul>
 * Register it on the builder; {@link ReplicaMetrics} and {@link TargetPoolMetrics} add the gauges:
 * <pre class="code">
 * RoutingConnectionFactory router = new RoutingConnectionFactory(RoutingConfiguration.builder()
 *     .primary(primaryUrl)
 *     .replica("replica-1", replicaUrl)
 *     .listener(new RoutingMetrics(registry))
 *     .build());
 * new ReplicaMetrics(router).bindTo(registry);
 * new TargetPoolMetrics(router).bindTo(registry);
 * </pre>
 * Meters are registered when first needed; tag values are route and target names as configured, never URLs.
 */
public final class RoutingMetrics implements RoutingListener {

    /**
     * Connections handed out, by route asked and target that served.
     */
    public static final String CONNECTIONS = "r2dbc.routing.connections";

    /**
     * Time to hand out a connection, by target.
     */
    public static final String ACQUISITION = "r2dbc.routing.acquisition";

    /**
     * {@code create()} calls that ended in an error, by route, last target tried and exception.
     */
    public static final String ACQUISITION_FAILURES = "r2dbc.routing.acquisition.failures";

    /**
     * Replicas that failed to hand out a connection, by replica and the replica tried next.
     */
    public static final String FAILOVERS = "r2dbc.routing.failovers";

    /**
     * Replica reads served by the primary, by reason.
     */
    public static final String FALLBACKS = "r2dbc.routing.fallbacks";

    /**
     * Read-your-writes waits, by replica and outcome.
     */
    public static final String READ_YOUR_WRITES_WAITS = "r2dbc.routing.read.your.writes.waits";

    /**
     * Replica or auto connections that moved to the primary for a write, by route.
     */
    public static final String ESCALATIONS = "r2dbc.routing.escalations";

    /**
     * Replica state changes, by replica, previous state and new state.
     */
    public static final String STATE_CHANGES = "r2dbc.routing.replica.state.changes";

    private final MeterRegistry registry;

    private final Tags tags;

    private final Map<Key, Counter> connections = new ConcurrentHashMap<>();

    private final Map<String, Timer> acquisitions = new ConcurrentHashMap<>();

    /**
     * @param registry where the meters are registered
     */
    public RoutingMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * @param registry where the meters are registered
     * @param tags tags added to every meter, for example the name of the router when there are several
     */
    public RoutingMetrics(MeterRegistry registry, Iterable<Tag> tags) {
        if (registry == null || tags == null) {
            throw new IllegalArgumentException("registry and tags must not be null");
        }
        this.registry = registry;
        this.tags = Tags.of(tags);
    }

    @Override
    public void connectionAcquired(ConnectionAcquisition acquisition) {
        String target = TagValues.nameOrNone(acquisition.target());
        this.connections.computeIfAbsent(new Key(acquisition.route(), target), key -> Counter.builder(CONNECTIONS)
                        .description("Connections handed out by the router, by route asked and target that served")
                        .tags(this.tags)
                        .tag("route", TagValues.route(key.route()))
                        .tag("target", key.target())
                        .register(this.registry))
                .increment();
        this.acquisitions.computeIfAbsent(target, name -> Timer.builder(ACQUISITION)
                        .description("Time from create() to the connection handed out, failovers and "
                                + "read-your-writes waits included")
                        .tags(this.tags)
                        .tag("target", name)
                        .register(this.registry))
                .record(acquisition.nanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void acquisitionFailed(ConnectionAcquisition acquisition, Throwable error) {
        Counter.builder(ACQUISITION_FAILURES)
                .description("create() calls that ended in an error, by route, last target tried and exception")
                .tags(this.tags)
                .tag("route", TagValues.route(acquisition.route()))
                .tag("target", TagValues.nameOrNone(acquisition.target()))
                .tag("exception", error.getClass().getSimpleName())
                .register(this.registry)
                .increment();
    }

    @Override
    public void failedOver(String failed, @Nullable String next, Throwable error) {
        Counter.builder(FAILOVERS)
                .description("Replicas that failed to hand out a connection, by replica and the replica tried next")
                .tags(this.tags)
                .tag("replica", failed)
                .tag("next", TagValues.nameOrNone(next))
                .register(this.registry)
                .increment();
    }

    @Override
    public void fellBackToPrimary(Fallback reason) {
        Counter.builder(FALLBACKS)
                .description("Replica reads served by the primary, by reason")
                .tags(this.tags)
                .tag("reason", TagValues.of(reason))
                .register(this.registry)
                .increment();
    }

    @Override
    public void readYourWritesWaited(String replica, WaitOutcome outcome, long nanos) {
        Timer.builder(READ_YOUR_WRITES_WAITS)
                .description("Waits for a replica to apply a session's write before a read, by replica and outcome")
                .tags(this.tags)
                .tag("replica", replica)
                .tag("outcome", TagValues.of(outcome))
                .register(this.registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void writeEscalated(Route route, @Nullable String replica) {
        Counter.builder(ESCALATIONS)
                .description("Replica or auto connections that moved to the primary for a write, by route")
                .tags(this.tags)
                .tag("route", TagValues.route(route))
                .register(this.registry)
                .increment();
    }

    @Override
    public void replicaStateChanged(Replica replica, ReplicaState previous, ReplicaState current) {
        Counter.builder(STATE_CHANGES)
                .description("Replica state changes, by replica, previous state and new state")
                .tags(this.tags)
                .tag("replica", replica.name())
                .tag("from", TagValues.of(previous))
                .tag("to", TagValues.of(current))
                .register(this.registry)
                .increment();
    }

    @Override
    public String toString() {
        return "RoutingMetrics[tags=" + this.tags + "]";
    }

    private record Key(@Nullable Route route, String target) {
    }
}
