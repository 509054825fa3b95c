package io.github.r2dbcrouting.benchmarks.support;

import java.time.Duration;
import java.util.List;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactory;

/**
 * r2dbc-pool {@link ConnectionPool}s as the benchmarks configure them: r2dbc-pool's defaults ({@code initialSize}
 * 10, validation {@code LOCAL}, no acquire timeout), except a {@code maxSize} of {@value #MAX_SIZE}, so that 64
 * subscribers in flight never wait for a connection.
 */
public final class Pools {

    /** Enough connections for the largest concurrency measured. */
    public static final int MAX_SIZE = 64;

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private Pools() {
    }

    /**
     * @param name the pool's name
     * @param driver the factory the pool takes its connections from
     * @return a new pool
     */
    public static ConnectionPool of(String name, ConnectionFactory driver) {
        return new ConnectionPool(ConnectionPoolConfiguration.builder(driver)
                .name(name)
                .maxSize(MAX_SIZE)
                .build());
    }

    /**
     * @param name the pool's name
     * @return a pool over a {@link StubConnectionFactory#distinct(String)}
     */
    public static ConnectionPool overStub(String name) {
        return of(name, StubConnectionFactory.distinct(name));
    }

    /**
     * Close pools, waiting for each; {@code null} entries are skipped.
     *
     * @param pools the pools to close
     */
    public static void closeAll(List<ConnectionPool> pools) {
        for (ConnectionPool pool : pools) {
            if (pool != null) {
                pool.close().block(CLOSE_TIMEOUT);
            }
        }
    }
}
