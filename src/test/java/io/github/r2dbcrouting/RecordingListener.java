package io.github.r2dbcrouting;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.r2dbcrouting.replica.Replica;
import io.github.r2dbcrouting.replica.ReplicaState;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RoutingListener} that writes each event down as a line, for assertions.
 */
final class RecordingListener implements RoutingListener {

    final List<String> events = new CopyOnWriteArrayList<>();

    final List<ConnectionAcquisition> ended = new CopyOnWriteArrayList<>();

    @Override
    public void acquisitionStarted(ConnectionAcquisition acquisition) {
        this.events.add("started " + acquisition.route());
    }

    @Override
    public void connectionAcquired(ConnectionAcquisition acquisition) {
        this.ended.add(acquisition);
        this.events.add("acquired " + acquisition.route() + " from " + acquisition.target());
    }

    @Override
    public void acquisitionFailed(ConnectionAcquisition acquisition, Throwable error) {
        this.ended.add(acquisition);
        this.events.add("failed " + acquisition.route() + " at " + acquisition.target() + ": "
                + error.getClass().getSimpleName());
    }

    @Override
    public void acquisitionCancelled(ConnectionAcquisition acquisition) {
        this.ended.add(acquisition);
        this.events.add("cancelled " + acquisition.route() + " at " + acquisition.target());
    }

    @Override
    public void failedOver(String failed, @Nullable String next, Throwable error) {
        this.events.add("failover " + failed + " -> " + next);
    }

    @Override
    public void fellBackToPrimary(Fallback reason) {
        this.events.add("fallback " + reason);
    }

    @Override
    public void readYourWritesWaited(String replica, WaitOutcome outcome, long nanos) {
        this.events.add("wait on " + replica + " " + outcome);
    }

    @Override
    public void writeEscalated(Route route, @Nullable String replica) {
        this.events.add("escalated " + route + " from " + replica);
    }

    @Override
    public void replicaStateChanged(Replica replica, ReplicaState previous, ReplicaState current) {
        this.events.add("state " + replica.name() + " " + previous + " -> " + current);
    }
}
