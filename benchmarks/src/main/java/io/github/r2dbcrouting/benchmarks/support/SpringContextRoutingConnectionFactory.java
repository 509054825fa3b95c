package io.github.r2dbcrouting.benchmarks.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.r2dbc.spi.ConnectionFactory;
import org.springframework.r2dbc.connection.lookup.AbstractRoutingConnectionFactory;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The usual way to route with Spring: a subclass of {@link AbstractRoutingConnectionFactory} whose
 * {@code determineCurrentLookupKey()} reads a key that a filter or the caller put in the Reactor Context.
 * <p>
 * To do the same work as the router it is compared with, a {@code replica} route takes the replicas in turn
 * (round-robin, one {@link AtomicInteger}); no route or {@code primary} goes to the primary, Spring's default target.
 */
public final class SpringContextRoutingConnectionFactory extends AbstractRoutingConnectionFactory {

    /** The Context key read by {@link #determineCurrentLookupKey()}. */
    public static final String ROUTE_KEY = SpringContextRoutingConnectionFactory.class.getName() + ".ROUTE";

    /** The Context value that routes to a replica. */
    public static final String REPLICA = "replica";

    private static final String PRIMARY = "primary";

    private final String[] replicaKeys;

    private final AtomicInteger next = new AtomicInteger();

    /**
     * Build and initialise the router ({@code afterPropertiesSet()} is called here).
     *
     * @param primary the default target
     * @param replicas the replica targets, at least one
     */
    public SpringContextRoutingConnectionFactory(ConnectionFactory primary,
            List<? extends ConnectionFactory> replicas) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("at least one replica is needed");
        }
        Map<Object, Object> targets = new HashMap<>();
        targets.put(PRIMARY, primary);
        this.replicaKeys = new String[replicas.size()];
        for (int i = 0; i < replicas.size(); i++) {
            this.replicaKeys[i] = "replica-" + (i + 1);
            targets.put(this.replicaKeys[i], replicas.get(i));
        }
        setTargetConnectionFactories(targets);
        setDefaultTargetConnectionFactory(primary);
        afterPropertiesSet();
    }

    /**
     * @return a Context routing this factory's {@code create()} to a replica
     */
    public static Context replicaContext() {
        return Context.of(ROUTE_KEY, REPLICA);
    }

    @Override
    protected Mono<Object> determineCurrentLookupKey() {
        return Mono.deferContextual(context -> {
            Object route = context.getOrDefault(ROUTE_KEY, null);
            if (REPLICA.equals(route)) {
                return Mono.just(this.replicaKeys[Math.floorMod(this.next.getAndIncrement(), this.replicaKeys.length)]);
            }
            return Mono.justOrEmpty(route);
        });
    }
}
