package io.github.r2dbcrouting.boot;

import java.util.List;

/**
 * Signals properties under {@code spring.r2dbc.routing} that are none of this library's, such as
 * {@code replica[0].url} for {@code replicas[0].url}. Holds their names, where each was set and the nearest valid
 * property; never a value.
 *
 * @see UnknownRoutingPropertyFailureAnalyzer
 */
public final class UnknownRoutingPropertyException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final List<Unknown> unknown;

    /**
     * @param unknown each unknown property
     */
    public UnknownRoutingPropertyException(List<Unknown> unknown) {
        super("Unknown R2DBC routing properties: " + unknown);
        this.unknown = List.copyOf(unknown);
    }

    /**
     * @return each unknown property, in the order found
     */
    public List<Unknown> unknown() {
        return this.unknown;
    }

    /**
     * One unknown property.
     *
     * @param name its name as set
     * @param origin where it was set, for example {@code class path resource [application.yml] - 7:16}
     * @param nearest the valid property nearest to it
     */
    public record Unknown(String name, String origin, String nearest) {

        @Override
        public String toString() {
            return this.name + " (nearest valid: " + this.nearest + ")";
        }
    }
}
