package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.r2dbcrouting.dialect.ReplicationDialect;
import io.github.r2dbcrouting.dialect.ReplicationStatus;
import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A {@link ReplicationDialect} whose answers the test sets, keyed by the stub target a connection comes from.
 * Positions compare as MariaDB's do.
 */
final class ScriptedDialect implements ReplicationDialect {

    final Map<String, Mono<ReplicationStatus>> status = new ConcurrentHashMap<>();

    final Map<String, Boolean> applies = new ConcurrentHashMap<>();

    final AtomicInteger waits = new AtomicInteger();

    volatile String lastWrite = "0-1-1";

    /**
     * When set, what every wait for a position answers instead of {@link #applies}.
     */
    volatile @Nullable Mono<Boolean> pendingWait;

    static ReplicationStatus healthy(String position) {
        return new ReplicationStatus(true, true, Duration.ZERO, position);
    }

    @Override
    public Mono<ReplicationStatus> status(Connection connection) {
        return this.status.getOrDefault(StubConnectionFactory.targetOf(connection), Mono.just(healthy("0-1-0")));
    }

    @Override
    public Mono<String> lastWritePosition(Connection connection) {
        return Mono.just(this.lastWrite);
    }

    @Override
    public Mono<Boolean> awaitPosition(Connection connection, String position, Duration timeout) {
        this.waits.incrementAndGet();
        Mono<Boolean> pending = this.pendingWait;
        if (pending != null) {
            return pending;
        }
        return Mono.just(this.applies.getOrDefault(StubConnectionFactory.targetOf(connection), false));
    }

    @Override
    public boolean covers(String replicaPosition, String writePosition) {
        return ReplicationDialect.mariaDb().covers(replicaPosition, writePosition);
    }
}
