package io.github.r2dbcrouting.micrometer;

import io.github.r2dbcrouting.Route;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Observation.Context} of one connection acquisition through the router: the route asked, and, once a
 * connection is handed out, the target that served it.
 */
public final class ConnectionAcquisitionContext extends Observation.Context {

    private final @Nullable Route route;

    private volatile @Nullable String target;

    /**
     * @param route the route in the subscriber's Context, or {@code null} when it had none
     */
    public ConnectionAcquisitionContext(@Nullable Route route) {
        this.route = route;
    }

    /**
     * @return the route asked, or {@code null} when the Context had none (the primary serves)
     */
    public @Nullable Route getRoute() {
        return this.route;
    }

    /**
     * @return the name of the target that served, or the last one tried after an error; {@code null} while none
     * is known
     */
    public @Nullable String getTarget() {
        return this.target;
    }

    void setTarget(@Nullable String target) {
        this.target = target;
    }
}
