package io.github.r2dbcrouting.micrometer;

import java.util.function.ToDoubleFunction;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.replica.Replica;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.ConnectionFactory;

/**
 * r2dbc-pool's metrics of every pool a router uses, the primary's and each replica's, under the names and the
 * {@code name} tag of Spring Boot's own r2dbc-pool meters, with the target's name as the tag's value
 * ({@value RoutingConfiguration#PRIMARY}, {@code replica-1}, ...): {@code r2dbc.pool.acquired}, {@code .allocated},
 * {@code .idle}, {@code .pending}, {@code .max.allocated} and {@code .max.pending}, in connections. A target whose
 * factory is not an r2dbc-pool {@link ConnectionPool} (or one without metrics) has none.
 */
public final class TargetPoolMetrics implements MeterBinder {

    private static final String PREFIX = "r2dbc.pool.";

    private final RoutingConnectionFactory router;

    private final Tags tags;

    /**
     * @param router the router whose pools to watch
     */
    public TargetPoolMetrics(RoutingConnectionFactory router) {
        this(router, Tags.empty());
    }

    /**
     * @param router the router whose pools to watch
     * @param tags tags added to every gauge; they must not use the key {@code name}
     */
    public TargetPoolMetrics(RoutingConnectionFactory router, Iterable<Tag> tags) {
        if (router == null || tags == null) {
            throw new IllegalArgumentException("router and tags must not be null");
        }
        this.router = router;
        this.tags = Tags.of(tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bind(registry, RoutingConfiguration.PRIMARY, this.router.unwrap());
        for (Replica replica : this.router.replicas()) {
            bind(registry, replica.name(), this.router.replicaConnectionFactory(replica.name()));
        }
    }

    private void bind(MeterRegistry registry, String target, ConnectionFactory factory) {
        if (!(factory instanceof ConnectionPool pool)) {
            return;
        }
        pool.getMetrics().ifPresent(metrics -> {
            Tags targetTags = this.tags.and("name", target);
            gauge(registry, "acquired", metrics, PoolMetrics::acquiredSize, targetTags,
                    "Size of successfully acquired connections which are in active use.");
            gauge(registry, "allocated", metrics, PoolMetrics::allocatedSize, targetTags,
                    "Size of allocated connections in the pool which are in active use or idle.");
            gauge(registry, "idle", metrics, PoolMetrics::idleSize, targetTags,
                    "Size of idle connections in the pool.");
            gauge(registry, "pending", metrics, PoolMetrics::pendingAcquireSize, targetTags,
                    "Size of pending to acquire connections from the underlying connection factory.");
            gauge(registry, "max.allocated", metrics, PoolMetrics::getMaxAllocatedSize, targetTags,
                    "Maximum size of allocated connections that this pool allows.");
            gauge(registry, "max.pending", metrics, PoolMetrics::getMaxPendingAcquireSize, targetTags,
                    "Maximum size of pending state to acquire connections that this pool allows.");
        });
    }

    private static void gauge(MeterRegistry registry, String name, PoolMetrics metrics,
            ToDoubleFunction<PoolMetrics> value, Tags tags, String description) {
        Gauge.builder(PREFIX + name, metrics, value)
                .description(description)
                .tags(tags)
                .baseUnit("connections")
                .register(registry);
    }
}
