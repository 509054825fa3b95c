package io.github.r2dbcrouting;

import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;

/**
 * A statement that the router will not send: it accepts bindings, and its {@link #execute()} emits why.
 */
final class RefusedStatement implements Statement {

    private final RuntimeException reason;

    RefusedStatement(RuntimeException reason) {
        this.reason = reason;
    }

    @Override
    public Statement add() {
        return this;
    }

    @Override
    public Statement bind(int index, Object value) {
        return this;
    }

    @Override
    public Statement bind(String name, Object value) {
        return this;
    }

    @Override
    public Statement bindNull(int index, Class<?> type) {
        return this;
    }

    @Override
    public Statement bindNull(String name, Class<?> type) {
        return this;
    }

    @Override
    public Flux<Result> execute() {
        return Flux.error(this.reason);
    }

    @Override
    public String toString() {
        return "RefusedStatement[" + this.reason.getMessage() + "]";
    }
}
