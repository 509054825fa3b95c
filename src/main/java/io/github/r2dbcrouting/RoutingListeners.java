package io.github.r2dbcrouting;

import java.util.List;

import io.github.r2dbcrouting.internal.Masking;
import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import org.jspecify.annotations.Nullable;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The listeners of one router, called in the order they were registered, each shielded from the others: an
 * exception of one is logged at debug level and the next is called all the same.
 */
final class RoutingListeners implements RoutingListener {

    private static final Logger logger = Loggers.getLogger(RoutingListeners.class);

    private final RoutingListener[] listeners;

    private RoutingListeners(List<RoutingListener> listeners) {
        this.listeners = listeners.toArray(new RoutingListener[0]);
    }

    /**
     * @return the listeners as one, or {@code null} when there is none: the router then calls nothing
     */
    static @Nullable RoutingListeners of(List<RoutingListener> listeners) {
        return listeners.isEmpty() ? null : new RoutingListeners(listeners);
    }

    @Override
    public void acquisitionStarted(ConnectionAcquisition acquisition) {
        for (RoutingListener listener : this.listeners) {
            try {
                listener.acquisitionStarted(acquisition);
            }
            catch (RuntimeException ex) {
                failed(listener, "acquisitionStarted", ex);
            }
        }
    }

    @Override
    public void connectionAcquired(ConnectionAcquisition acquisition) {
        for (RoutingListener listener : this.listeners) {
            try {
                listener.connectionAcquired(acquisition);
            }
            catch (RuntimeException ex) {
                failed(listener, "connectionAcquired", ex);
            }
        }
    }

    @Override
    public void acquisitionFailed(ConnectionAcquisition acquisition, Throwable error) {
        for (RoutingListener listener : this.listeners) {
            try {
                listener.acquisitionFailed(acquisition, error);
            }
            catch (RuntimeException ex) {
                failed(listener, "acquisitionFailed", ex);
            }
        }
    }

    @Override
    public void acquisitionCancelled(ConnectionAcquisition acquisition) {
        for (RoutingListener listener : this.listeners) {
            try {
                listener.acquisitionCancelled(acquisition);
            }
            catch (RuntimeException ex) {
                failed(listener, "acquisitionCancelled", ex);
            }
        }
    }

    @Override
    public void failedOver(String failed, @Nullable String next, Throwable error) {
        for (RoutingListener listener : this.listeners) {
            try {
                listener.failedOver(failed, next, error);
            }
            catch (RuntimeException ex) {
                failed(listener, "failedOver", ex);
            }
        }
    }

    @Override
    public void fellBackToPrimary(Fallback reason) {
        for (RoutingListener listener : this.listeners) {
            try {
                listener.fellBackToPrimary(reason);
            }
            catch (RuntimeException ex) {
                failed(listener, "fellBackToPrimary", ex);
            }
        }
    }

    @Override
    public void readYourWritesWaited(String replica, WaitOutcome outcome, long nanos) {
        for (RoutingListener listener : this.listeners) {
            try {
                listener.readYourWritesWaited(replica, outcome, nanos);
            }
            catch (RuntimeException ex) {
                failed(listener, "readYourWritesWaited", ex);
            }
        }
    }

    @Override
    public void writeEscalated(Route route, @Nullable String replica) {
        for (RoutingListener listener : this.listeners) {
            try {
                listener.writeEscalated(route, replica);
            }
            catch (RuntimeException ex) {
                failed(listener, "writeEscalated", ex);
            }
        }
    }

    @Override
    public void replicaStateChanged(Replica replica, ReplicaState previous, ReplicaState current) {
        for (RoutingListener listener : this.listeners) {
            try {
                listener.replicaStateChanged(replica, previous, current);
            }
            catch (RuntimeException ex) {
                failed(listener, "replicaStateChanged", ex);
            }
        }
    }

    private static void failed(RoutingListener listener, String method, RuntimeException ex) {
        if (logger.isDebugEnabled()) {
            logger.debug("RoutingListener {} threw from {}; ignored: {}", listener, method,
                    Masking.text(ex.toString()));
        }
    }

    @Override
    public String toString() {
        return "RoutingListeners" + List.of(this.listeners);
    }
}
