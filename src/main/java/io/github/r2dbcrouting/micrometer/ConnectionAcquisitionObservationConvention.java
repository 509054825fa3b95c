package io.github.r2dbcrouting.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of the observation around a connection acquisition. Implement it to change them, and pass it
 * to {@link RoutingObservations#RoutingObservations(io.micrometer.observation.ObservationRegistry,
 * ConnectionAcquisitionObservationConvention)}; {@link DefaultConnectionAcquisitionObservationConvention} is the
 * default.
 */
public interface ConnectionAcquisitionObservationConvention
        extends ObservationConvention<ConnectionAcquisitionContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof ConnectionAcquisitionContext;
    }
}
