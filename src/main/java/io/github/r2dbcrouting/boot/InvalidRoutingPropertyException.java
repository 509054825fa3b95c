package io.github.r2dbcrouting.boot;

import io.github.r2dbcrouting.internal.Masking;

/**
 * Signals that a {@code spring.r2dbc.routing.*} property is missing or wrong, so the router cannot be built. Names
 * the property, says what is wrong with it and what to change; never includes a password.
 *
 * @see InvalidRoutingPropertyFailureAnalyzer
 */
public final class InvalidRoutingPropertyException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String property;

    private final String action;

    /**
     * @param property the full name of the property to fix, for example {@code spring.r2dbc.routing.primary.url}
     * @param problem what is wrong, with the values; anything in it that looks like a password is masked here too,
     * should a driver's message have brought one
     * @param action what to change, which names properties but holds no configured value
     */
    public InvalidRoutingPropertyException(String property, String problem, String action) {
        super(Masking.text(problem));
        this.property = property;
        this.action = action;
    }

    /**
     * @return the full name of the property to fix
     */
    public String property() {
        return this.property;
    }

    /**
     * @return what to change
     */
    public String action() {
        return this.action;
    }
}
