package io.github.r2dbcrouting;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.github.r2dbcrouting.cluster.ClusterResolver;
import io.github.r2dbcrouting.cluster.ClusterUnavailableException;
import io.github.r2dbcrouting.cluster.UnknownClusterException;
import io.github.r2dbcrouting.internal.Masking;
import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.ContextView;

/**
 * The clusters of a router other than its default one: the static clusters of its configuration, open from the
 * start, and the dynamic ones (resolved, or named by an R2DBC URL), opened on first use, at most
 * {@code maxClusters} at once, the least recently used idle one evicted to make room.
 * <p>
 * Choosing a static cluster is one {@code HashMap} lookup. A dynamic cluster is opened once however many
 * {@code create()} calls ask for it at the same time: the first one adds it to the registry, under a lock that also
 * keeps the bound, and every caller waits for the same opening. An opening that fails is removed, so the next
 * caller tries again. Each connection of a dynamic cluster counts as in use until it is closed; only a cluster
 * without connections in use is evicted, so no connection in use is ever closed by an eviction.
 */
final class ClusterRegistry {

    private static final Logger logger = Loggers.getLogger(ClusterRegistry.class);

    /**
     * How often one {@code create()} looks a cluster up again after finding it evicted.
     */
    private static final int MAX_LOOKUPS = 16;

    private final RoutingConfiguration shared;

    private final Map<String, RoutingConnectionFactory> statics;

    private final @Nullable ClusterResolver resolver;

    private final int maxClusters;

    private final ConcurrentHashMap<String, DynamicCluster> dynamic = new ConcurrentHashMap<>();

    private final ReentrantLock adding = new ReentrantLock();

    private final AtomicLong opened = new AtomicLong();

    private final AtomicLong evictions = new AtomicLong();

    private volatile boolean closed;

    private ClusterRegistry(RoutingConfiguration shared, Map<String, RoutingConnectionFactory> statics) {
        this.shared = shared;
        this.statics = statics;
        this.resolver = shared.getClusterResolver();
        this.maxClusters = shared.getMaxClusters();
    }

    /**
     * Open the static clusters of {@code configuration}.
     *
     * @throws IllegalArgumentException naming the cluster, if one cannot be opened; those opened before are closed
     */
    static ClusterRegistry open(RoutingConfiguration configuration) {
        Map<String, RoutingConnectionFactory> statics = new HashMap<>();
        try {
            configuration.getClusters().forEach((name, cluster) -> {
                try {
                    statics.put(name, new RoutingConnectionFactory(cluster, true));
                }
                catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("Cluster '" + name + "': " + ex.getMessage());
                }
            });
        }
        catch (RuntimeException ex) {
            statics.values().forEach(RoutingConnectionFactory::dispose);
            throw ex;
        }
        return new ClusterRegistry(configuration, statics);
    }

    /**
     * Subscribe {@code actual} to a connection of the cluster {@code name}.
     *
     * @return {@code false} if {@code name} is the default cluster, which the caller routes itself
     */
    boolean route(String name, CoreSubscriber<? super Connection> actual, ContextView context) {
        RoutingConnectionFactory cluster = this.statics.get(name);
        if (cluster != null) {
            // The router has checked that it is open, and its static clusters close with it.
            ContextRoute route = Routing.read(context);
            if (route == null || route.session == null) {
                cluster.routeWithin(actual, route);
            }
            else {
                RoutingSession session = route.session.forCluster(name);
                cluster.routeWithin(ClusterScopedSubscriber.of(actual, context, session),
                        ContextRoute.of(route.route, session));
            }
            return true;
        }
        if (RoutingConfiguration.DEFAULT_CLUSTER.equals(name)) {
            return false;
        }
        lease(name, 0).contextWrite(current -> ClusterScopedSubscriber.scoped(current, name)).subscribe(actual);
        return true;
    }

    /**
     * @return whether a {@code create()} under {@code withCluster(name)} can find a cluster without asking anyone
     * whether it exists: a static one, the default one, a URL, or any name if a resolver is configured
     */
    boolean mayServe(String name) {
        return this.statics.containsKey(name) || RoutingConfiguration.DEFAULT_CLUSTER.equals(name) || isUrl(name)
                || this.resolver != null;
    }

    private Mono<Connection> lease(String name, int lookups) {
        return opened(name).flatMap(cluster -> {
            Mono<Connection> connection = cluster.lease();
            if (connection != null) {
                return connection;
            }
            if (lookups >= MAX_LOOKUPS) {
                return Mono.error(new ClusterUnavailableException("Cluster '" + Masking.url(name) + "' was evicted "
                        + MAX_LOOKUPS + " times while this create() looked it up; maxClusters=" + this.maxClusters
                        + " is too small for the clusters in use at once: raise maxClusters", null));
            }
            return lease(name, lookups + 1);
        });
    }

    private Mono<DynamicCluster> opened(String name) {
        if (this.closed) {
            return Mono.error(new IllegalStateException("RoutingConnectionFactory is closed"));
        }
        DynamicCluster existing = this.dynamic.get(name);
        if (existing != null) {
            return existing.opened();
        }
        if (this.resolver == null && !isUrl(name)) {
            return Mono.error(unknown(name, "no static cluster has that name and no clusterResolver is configured"));
        }
        DynamicCluster created;
        Mono<Void> room = Mono.empty();
        this.adding.lock();
        try {
            existing = this.dynamic.get(name);
            if (existing != null) {
                return existing.opened();
            }
            DynamicCluster evicted = this.dynamic.size() >= this.maxClusters ? evictLeastRecentlyUsed() : null;
            if (evicted != null) {
                room = evicted.closed();
            }
            else if (this.dynamic.size() >= this.maxClusters) {
                return Mono.error(new ClusterUnavailableException("Cannot open cluster '" + Masking.url(name)
                        + "': maxClusters=" + this.maxClusters + " clusters are open or opening and none is idle "
                        + this.dynamic.values() + "; raise maxClusters or close connections sooner", null));
            }
            created = new DynamicCluster(name);
            this.dynamic.put(name, created);
        }
        finally {
            this.adding.unlock();
        }
        // The new cluster connects only once the evicted one closed its pools: the servers never see more than
        // maxClusters dynamic clusters' pools.
        room.then(describe(name))
                .map(configuration -> openRouter(name, configuration))
                .subscribe(router -> opened(created, router), error -> failed(created, error));
        return created.opened();
    }

    /**
     * Evict the least recently used cluster that has no connection in use. Called with {@link #adding} held.
     *
     * @return the cluster evicted, or {@code null} if none is idle
     */
    private @Nullable DynamicCluster evictLeastRecentlyUsed() {
        List<DynamicCluster> idle = new ArrayList<>();
        for (DynamicCluster cluster : this.dynamic.values()) {
            if (cluster.isIdle()) {
                idle.add(cluster);
            }
        }
        idle.sort((a, b) -> Long.compare(a.lastUsed(), b.lastUsed()));
        for (DynamicCluster candidate : idle) {
            if (candidate.evictIfIdle()) {
                this.dynamic.remove(candidate.name, candidate);
                long count = this.evictions.incrementAndGet();
                if (logger.isDebugEnabled()) {
                    logger.debug("Evicted cluster {} to open another (maxClusters={}, evictions so far {})",
                            candidate, this.maxClusters, count);
                }
                return candidate;
            }
        }
        return null;
    }

    private Mono<RoutingConfiguration> describe(String name) {
        return Mono.defer(() -> {
            RoutingConfiguration.Builder defaults = ClusterSettings.inherit(this.shared);
            if (isUrl(name)) {
                try {
                    return Mono.just(defaults.primary(name).build());
                }
                catch (IllegalArgumentException | IllegalStateException ex) {
                    return Mono.error(refused(name, ex));
                }
            }
            ClusterResolver clusterResolver = this.resolver;
            if (clusterResolver == null) {
                return Mono.error(unknown(name, "no clusterResolver is configured"));
            }
            Mono<RoutingConfiguration> resolved = clusterResolver.resolve(name, defaults);
            if (resolved == null) {
                return Mono.error(new IllegalStateException("the clusterResolver returned null instead of a Mono"));
            }
            return resolved.switchIfEmpty(Mono.error(() -> unknown(name, "the clusterResolver knows no cluster of "
                    + "that name")));
        });
    }

    /**
     * @throws ClusterUnavailableException without a cause, if the router refuses the configuration: its message says
     * why, masked, and a driver's message it replaces may repeat a password
     */
    private static RoutingConnectionFactory openRouter(String name, RoutingConfiguration configuration) {
        try {
            return new RoutingConnectionFactory(ClusterSettings.checked(name, configuration), true);
        }
        catch (IllegalArgumentException | IllegalStateException ex) {
            throw refused(name, ex);
        }
    }

    private static ClusterUnavailableException refused(String name, RuntimeException ex) {
        return new ClusterUnavailableException("Cluster '" + Masking.url(name) + "' could not be opened: "
                + Masking.text(String.valueOf(ex.getMessage())) + "; fix its configuration", null);
    }

    private void opened(DynamicCluster cluster, RoutingConnectionFactory router) {
        long count = this.opened.incrementAndGet();
        logger.debug("Opened cluster '{}' ({} opened so far)", Masking.url(cluster.name), count);
        cluster.open(router);
        if (this.closed) {
            cluster.evict();
        }
    }

    private void failed(DynamicCluster cluster, Throwable error) {
        this.dynamic.remove(cluster.name, cluster);
        if (error instanceof UnknownClusterException || error instanceof ClusterUnavailableException) {
            cluster.failed(error);
            return;
        }
        cluster.failed(new ClusterUnavailableException("Cluster '" + Masking.url(cluster.name) + "' could not be "
                + "opened: " + Masking.text(String.valueOf(error.getMessage()))
                + "; the next create() for it tries again", error));
    }

    private UnknownClusterException unknown(String name, String why) {
        return new UnknownClusterException("Unknown cluster '" + Masking.url(name) + "': " + why + "; the static "
                + "clusters are " + this.statics.keySet() + ", and '" + RoutingConfiguration.DEFAULT_CLUSTER
                + "' is the default cluster. Configure it with RoutingConfiguration.builder().cluster(name, ...) or "
                + "a clusterResolver, or pass an R2DBC URL as the name");
    }

    static boolean isUrl(String name) {
        return name.startsWith("r2dbc:");
    }

    /**
     * @return how many dynamic clusters are open or opening, by name, with their connections in use
     */
    Map<String, Integer> dynamicClusters() {
        Map<String, Integer> result = new LinkedHashMap<>();
        this.dynamic.forEach((name, cluster) -> result.put(Masking.url(name), cluster.inUse()));
        return result;
    }

    long openedCount() {
        return this.opened.get();
    }

    long evictionCount() {
        return this.evictions.get();
    }

    /**
     * Close every static cluster, and every dynamic one once its last connection is released.
     */
    Mono<Void> close() {
        this.closed = true;
        this.adding.lock();
        try {
            this.dynamic.values().forEach(DynamicCluster::evict);
            this.dynamic.clear();
        }
        finally {
            this.adding.unlock();
        }
        return Flux.fromIterable(this.statics.values()).concatMapDelayError(RoutingConnectionFactory::close).then();
    }

    @Override
    public String toString() {
        return "clusters=" + this.statics.keySet() + (this.resolver == null ? "" : ", dynamic=" + this.dynamic.size()
                + "/" + this.maxClusters);
    }
}
