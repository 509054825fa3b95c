package io.github.r2dbcrouting.micrometer;

import io.github.r2dbcrouting.ConnectionAcquisition;
import io.github.r2dbcrouting.RoutingListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

/**
 * A {@link RoutingListener} that wraps each connection acquisition in a Micrometer {@link Observation}: started when
 * {@code create()} is subscribed, stopped when the connection is handed out (or the acquisition fails, with its
 * error, or is cancelled). Its low-cardinality key values are the route asked and the target that served (see
 * {@link DefaultConnectionAcquisitionObservationConvention}), so a trace shows which server served each unit of
 * work. The parent is the observation in the subscriber's Reactor Context (as Reactor's and Spring's
 * instrumentation put it there), else the registry's current one.
 * <pre class="code">
 * RoutingConfiguration.builder()
 *     .primary(primaryUrl)
 *     .replica("replica-1", replicaUrl)
 *     .listener(new RoutingObservations(observationRegistry))
 *     .build();
 * </pre>
 */
public final class RoutingObservations implements RoutingListener {

    /**
     * The Reactor Context key under which Micrometer's context propagation keeps the current observation
     * ({@code ObservationThreadLocalAccessor.KEY}).
     */
    static final String PARENT_KEY = "micrometer.observation";

    private final ObservationRegistry registry;

    private final @Nullable ConnectionAcquisitionObservationConvention convention;

    /**
     * @param registry the registry to observe with
     */
    public RoutingObservations(ObservationRegistry registry) {
        this(registry, null);
    }

    /**
     * @param registry the registry to observe with
     * @param convention names and key values to use instead of the defaults, or {@code null} for the defaults
     */
    public RoutingObservations(ObservationRegistry registry,
            @Nullable ConnectionAcquisitionObservationConvention convention) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        this.registry = registry;
        this.convention = convention;
    }

    @Override
    public void acquisitionStarted(ConnectionAcquisition acquisition) {
        if (this.registry.isNoop()) {
            return;
        }
        ConnectionAcquisitionContext context = new ConnectionAcquisitionContext(acquisition.route());
        Observation observation = Observation.createNotStarted(this.convention,
                DefaultConnectionAcquisitionObservationConvention.INSTANCE, () -> context, this.registry);
        Observation parent = parent(acquisition.context());
        if (parent != null) {
            observation.parentObservation(parent);
        }
        acquisition.attach(this, observation.start());
    }

    private static @Nullable Observation parent(ContextView context) {
        Object parent = context.getOrDefault(PARENT_KEY, null);
        return parent instanceof Observation observation && !observation.isNoop() ? observation : null;
    }

    @Override
    public void connectionAcquired(ConnectionAcquisition acquisition) {
        stop(acquisition, null);
    }

    @Override
    public void acquisitionFailed(ConnectionAcquisition acquisition, Throwable error) {
        stop(acquisition, error);
    }

    @Override
    public void acquisitionCancelled(ConnectionAcquisition acquisition) {
        Observation observation = observation(acquisition);
        if (observation != null) {
            observation.event(Observation.Event.of("cancelled", "the subscriber cancelled before a connection"));
            stop(acquisition, null);
        }
    }

    private void stop(ConnectionAcquisition acquisition, @Nullable Throwable error) {
        Observation observation = observation(acquisition);
        if (observation == null) {
            return;
        }
        acquisition.attach(this, null);
        if (observation.getContext() instanceof ConnectionAcquisitionContext context) {
            context.setTarget(acquisition.target());
        }
        if (error != null) {
            observation.error(error);
        }
        observation.stop();
    }

    private @Nullable Observation observation(ConnectionAcquisition acquisition) {
        return acquisition.attachment(this) instanceof Observation observation ? observation : null;
    }

    @Override
    public String toString() {
        return "RoutingObservations[" + this.registry + "]";
    }
}
