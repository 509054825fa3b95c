package io.github.r2dbcrouting.micrometer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges of each replica of a router, read live from the router:
 * <ul>
 * <li>{@value #STATE} ({@code replica}, {@code state}): one gauge per state ({@code up}, {@code lagging},
 * {@code down}), 1 for the replica's current state and 0 for the others;</li>
 * <li>{@value #LAG} ({@code replica}): its lag at the last probe, in the registry's base time unit (seconds for
 * Prometheus); NaN while unknown (never probed, unreachable, or the server did not say).</li>
 * </ul>
 */
public final class ReplicaMetrics implements MeterBinder {

    /**
     * 1 for a replica's current state, 0 for its other states.
     */
    public static final String STATE = "r2dbc.routing.replica.state";

    /**
     * A replica's lag at its last probe.
     */
    public static final String LAG = "r2dbc.routing.replica.lag";

    private final RoutingConnectionFactory router;

    private final Tags tags;

    /**
     * @param router the router whose replicas to watch
     */
    public ReplicaMetrics(RoutingConnectionFactory router) {
        this(router, Tags.empty());
    }

    /**
     * @param router the router whose replicas to watch
     * @param tags tags added to every gauge
     */
    public ReplicaMetrics(RoutingConnectionFactory router, Iterable<Tag> tags) {
        if (router == null || tags == null) {
            throw new IllegalArgumentException("router and tags must not be null");
        }
        this.router = router;
        this.tags = Tags.of(tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Replica replica : this.router.replicas()) {
            for (ReplicaState state : ReplicaState.values()) {
                Gauge.builder(STATE, replica, r -> r.state() == state ? 1 : 0)
                        .description("1 for the replica's current state, 0 for its other states")
                        .tags(this.tags)
                        .tag("replica", replica.name())
                        .tag("state", TagValues.of(state))
                        .register(registry);
            }
            TimeGauge.builder(LAG, replica, TimeUnit.MILLISECONDS, ReplicaMetrics::lagMillis)
                    .description("The replica's lag behind the primary at its last probe; NaN while unknown")
                    .tags(this.tags)
                    .tag("replica", replica.name())
                    .register(registry);
        }
    }

    private static double lagMillis(Replica replica) {
        Duration lag = replica.lag();
        return lag == null ? Double.NaN : lag.toMillis();
    }
}
