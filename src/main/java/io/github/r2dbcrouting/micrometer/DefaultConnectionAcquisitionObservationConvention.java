package io.github.r2dbcrouting.micrometer;

import io.micrometer.common.KeyValues;

/**
 * The default names of the observation around a connection acquisition: the observation
 * {@value #NAME}, the span {@code acquire connection}, and two low-cardinality key values:
 * <ul>
 * <li>{@code route}: the route asked, {@code primary}, {@code replica}, {@code auto} or {@code none};</li>
 * <li>{@code target}: the target that served ({@code primary}, {@code replica-1}, ...), the last one tried after an
 * error, {@code none} when none was tried (an auto-routed connection picks its server later, at its first
 * statement).</li>
 * </ul>
 * With Micrometer's meter handler (Spring Boot registers it) the observation also yields the timer
 * {@value #NAME} with these tags and {@code error}, and the long task timer {@value #NAME}{@code .active}.
 */
public class DefaultConnectionAcquisitionObservationConvention implements ConnectionAcquisitionObservationConvention {

    /**
     * The name of the observation.
     */
    public static final String NAME = "r2dbc.routing.connection";

    /**
     * The shared instance.
     */
    public static final DefaultConnectionAcquisitionObservationConvention INSTANCE =
            new DefaultConnectionAcquisitionObservationConvention();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(ConnectionAcquisitionContext context) {
        return "acquire connection";
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(ConnectionAcquisitionContext context) {
        return KeyValues.of("route", TagValues.route(context.getRoute()),
                "target", TagValues.nameOrNone(context.getTarget()));
    }
}
