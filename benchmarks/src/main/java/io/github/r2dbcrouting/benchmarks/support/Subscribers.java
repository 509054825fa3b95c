package io.github.r2dbcrouting.benchmarks.support;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The benchmark thread's reusable subscribers, so that the harness allocates nothing per operation and
 * {@code gc.alloc.rate.norm} counts only what the factories and the driver allocate.
 */
@State(Scope.Thread)
public class Subscribers {

    /** Subscribes to {@code create()} and then to the connection's {@code close()}. */
    public final CreateClose createClose = new CreateClose();

    /** Subscribes to a whole unit of work. */
    public final Drain drain = new Drain();
}
