package io.github.r2dbcrouting.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.github.r2dbcrouting.internal.TargetCheck;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.ReactiveHealthIndicator;
import org.springframework.boot.actuate.health.Status;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The health of a {@link RoutingConnectionFactory}: connects to the primary and to each replica <em>directly</em>
 * (through {@link RoutingConnectionFactory#unwrap()} and
 * {@link RoutingConnectionFactory#replicaConnectionFactory(String)}), never through a route, so that the answer does
 * not depend on where the health request itself would be routed. Each check validates a connection on the server
 * and is bounded by the router's {@code monitorTimeout}; all run at once.
 * <p>
 * The status:
 * <ul>
 * <li>{@link Status#DOWN} when the primary does not answer: writes fail;</li>
 * <li>{@link #DEGRADED} when the primary answers and no replica serves reads (each one does not answer, or the router
 * holds it {@code LAGGING} or {@code DOWN}): reads go to the primary (or fail, with
 * {@code fallbackToPrimary=false});</li>
 * <li>{@link Status#UP} otherwise, also when some replicas are down: the details say which.</li>
 * </ul>
 * Details: {@code primary} with its {@code status} (and {@code error}); {@code replicas}, per name, with the
 * {@code status} of the direct check, the router's {@code state}, {@code lag} and {@code reason} (and {@code error});
 * and, when {@link #DEGRADED}, where {@code reads} go.
 */
public final class RoutingHealthIndicator implements ReactiveHealthIndicator {

    /**
     * The primary answers but no replica serves reads: the application still serves every request, with all reads
     * on the primary (unless {@code fallbackToPrimary=false}). Answered with HTTP 200 unless
     * {@code management.endpoint.health.status.http-mapping.degraded} says otherwise.
     */
    public static final Status DEGRADED = new Status("DEGRADED",
            "The primary answers but no replica serves reads");

    private final RoutingConnectionFactory router;

    /**
     * @param router the router to check
     */
    public RoutingHealthIndicator(RoutingConnectionFactory router) {
        this.router = router;
    }

    @Override
    public Mono<Health> health() {
        Duration timeout = this.router.configuration().getMonitorTimeout();
        Mono<TargetCheck> primary = TargetCheck.of(RoutingConfiguration.PRIMARY, this.router.unwrap(), timeout);
        Mono<List<ReplicaHealth>> replicas = Flux.fromIterable(this.router.replicas())
                .flatMapSequential(replica -> TargetCheck.of(replica.name(),
                                this.router.replicaConnectionFactory(replica.name()), timeout)
                        .map(check -> new ReplicaHealth(replica, check)))
                .collectList();
        return Mono.zip(primary, replicas, this::health);
    }

    private Health health(TargetCheck primary, List<ReplicaHealth> replicas) {
        Map<String, Object> replicaDetails = new LinkedHashMap<>();
        boolean anyServesReads = false;
        for (ReplicaHealth replica : replicas) {
            replicaDetails.put(replica.view.name(), replica.details());
            anyServesReads |= replica.servesReads();
        }
        Status status;
        if (!primary.ok()) {
            status = Status.DOWN;
        }
        else if (!replicas.isEmpty() && !anyServesReads) {
            status = DEGRADED;
        }
        else {
            status = Status.UP;
        }
        Health.Builder health = Health.status(status).withDetail("primary", targetDetails(primary));
        if (!replicas.isEmpty()) {
            health.withDetail("replicas", replicaDetails);
        }
        if (status == DEGRADED) {
            health.withDetail("reads", this.router.configuration().isFallbackToPrimary()
                    ? "on the primary: no replica serves reads and fallback-to-primary is true"
                    : "failing: no replica serves reads and fallback-to-primary is false");
        }
        return health.build();
    }

    private static Map<String, Object> targetDetails(TargetCheck check) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", (check.ok() ? Status.UP : Status.DOWN).getCode());
        if (!check.ok()) {
            details.put("error", check.reason());
        }
        return details;
    }

    /**
     * One replica: what the router holds of it, and the outcome of the direct check.
     */
    private record ReplicaHealth(Replica view, TargetCheck check) {

        boolean servesReads() {
            return this.check.ok() && this.view.state() == ReplicaState.UP;
        }

        Map<String, Object> details() {
            Map<String, Object> details = targetDetails(this.check);
            details.put("state", this.view.state().name());
            String lag = Durations.format(this.view.lag());
            if (lag != null) {
                details.put("lag", lag);
            }
            details.put("reason", this.view.reason());
            return details;
        }
    }
}
