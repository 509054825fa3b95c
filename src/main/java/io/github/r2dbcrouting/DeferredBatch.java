package io.github.r2dbcrouting;

import java.util.ArrayList;
import java.util.List;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Result;
import reactor.core.publisher.Flux;

/**
 * A batch of a {@link StatementRoutedConnection}: it collects its statements and runs them on the server they need
 * when executed.
 */
final class DeferredBatch implements Batch {

    private final StatementRoutedConnection connection;

    private final List<String> statements = new ArrayList<>();

    DeferredBatch(StatementRoutedConnection connection) {
        this.connection = connection;
    }

    @Override
    public Batch add(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        this.statements.add(sql);
        return this;
    }

    @Override
    public Flux<Result> execute() {
        return this.connection.execute(List.copyOf(this.statements));
    }
}
