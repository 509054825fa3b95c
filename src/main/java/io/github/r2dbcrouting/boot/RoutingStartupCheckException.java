package io.github.r2dbcrouting.boot;

/**
 * Signals that the startup check could not connect to the primary or to a replica, with
 * {@code spring.r2dbc.routing.startup-check=fail}. Says which targets failed, why, and which properties to fix; never
 * includes a password.
 *
 * @see RoutingStartupCheckFailureAnalyzer
 */
public final class RoutingStartupCheckException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String action;

    /**
     * @param problem which targets could not be connected to and why, passwords masked
     * @param action which properties to fix
     */
    public RoutingStartupCheckException(String problem, String action) {
        super(problem);
        this.action = action;
    }

    /**
     * @return which properties to fix
     */
    public String action() {
        return this.action;
    }
}
