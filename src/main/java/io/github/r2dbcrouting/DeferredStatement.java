package io.github.r2dbcrouting;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;

import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * A statement of a {@link StatementRoutedConnection} whose server may still change: it checks and records the
 * bindings, and when executed asks the connection for the server the statement needs at that moment (a transaction
 * begun after the statement was created counts), creates the statement there, replays the bindings in order and
 * runs it.
 * <p>
 * It checks what the text shows (a {@code null} value, an index past the last {@code ?}, a name that is not a
 * parameter, a binding left incomplete); a value the driver cannot encode is reported by {@link #execute()}.
 */
final class DeferredStatement implements Statement {

    private final String sql;

    private final StatementRoutedConnection connection;

    private final boolean primary;

    private @Nullable List<Consumer<Statement>> calls;

    private int parameters = -1;

    /**
     * The indexes bound since the last {@link #add()}, while only indexes were bound.
     */
    private final BitSet bound = new BitSet();

    private boolean byName;

    private boolean added;

    DeferredStatement(String sql, StatementRoutedConnection connection, boolean primary) {
        this.sql = sql;
        this.connection = connection;
        this.primary = primary;
    }

    private void record(Consumer<Statement> call) {
        List<Consumer<Statement>> recorded = this.calls;
        if (recorded == null) {
            recorded = new ArrayList<>(4);
            this.calls = recorded;
        }
        recorded.add(call);
    }

    @Override
    public Statement add() {
        checkComplete();
        record(Statement::add);
        this.bound.clear();
        this.added = true;
        return this;
    }

    /**
     * As drivers do: a set of bindings must bind every parameter before it is added or run.
     */
    private void checkComplete() {
        if (this.byName || this.bound.isEmpty() && this.added) {
            return;
        }
        int count = parameters();
        if (this.bound.cardinality() < count) {
            throw new IllegalStateException("Not all parameters are bound: " + this.bound.cardinality() + " of "
                    + count);
        }
    }

    @Override
    public Statement bind(int index, Object value) {
        checkIndex(index);
        if (value == null) {
            throw new IllegalArgumentException("value must not be null; use bindNull(index, type) for a null");
        }
        this.bound.set(index);
        record(statement -> statement.bind(index, value));
        return this;
    }

    @Override
    public Statement bind(String name, Object value) {
        checkName(name);
        if (value == null) {
            throw new IllegalArgumentException("value must not be null; use bindNull(name, type) for a null");
        }
        record(statement -> statement.bind(name, value));
        return this;
    }

    @Override
    public Statement bindNull(int index, Class<?> type) {
        checkIndex(index);
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        this.bound.set(index);
        record(statement -> statement.bindNull(index, type));
        return this;
    }

    @Override
    public Statement bindNull(String name, Class<?> type) {
        checkName(name);
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        record(statement -> statement.bindNull(name, type));
        return this;
    }

    @Override
    public Statement fetchSize(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative, was " + rows);
        }
        record(statement -> statement.fetchSize(rows));
        return this;
    }

    @Override
    public Statement returnGeneratedValues(String... columns) {
        if (columns == null) {
            throw new IllegalArgumentException("columns must not be null");
        }
        String[] copy = columns.clone();
        record(statement -> statement.returnGeneratedValues(copy));
        return this;
    }

    @Override
    public Flux<Result> execute() {
        checkComplete();
        List<Consumer<Statement>> recorded = this.calls == null ? List.of() : List.copyOf(this.calls);
        return this.connection.serverFor(this.primary, this.sql).flatMapMany(server -> {
            Statement statement = server.createStatement(this.sql);
            recorded.forEach(call -> call.accept(statement));
            return statement.execute();
        });
    }

    private int parameters() {
        if (this.parameters < 0) {
            this.parameters = Parameters.count(this.sql);
        }
        return this.parameters;
    }

    private void checkIndex(int index) {
        parameters();
        if (index < 0 || index >= this.parameters) {
            throw new IndexOutOfBoundsException("Index " + index + " is not a parameter of the statement: it has "
                    + this.parameters + " (0 to " + (this.parameters - 1) + ")");
        }
    }

    private void checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        this.byName = true;
        if (!Parameters.has(this.sql, name)) {
            throw new IllegalArgumentException("'" + name + "' is not a named parameter of the statement");
        }
    }

    @Override
    public String toString() {
        return "DeferredStatement[" + (this.primary ? "needs the primary" : "a read") + "]";
    }

    /**
     * The parameters a statement's text declares: {@code ?}, {@code ?name} and {@code :name}, outside literals,
     * quoted identifiers and comments.
     */
    static final class Parameters {

        private Parameters() {
        }

        static int count(String sql) {
            int count = 0;
            for (int i = next(sql, 0); i >= 0; i = next(sql, i + 1)) {
                if (sql.charAt(i) == '?') {
                    count++;
                }
            }
            return count;
        }

        static boolean has(String sql, String name) {
            for (int i = next(sql, 0); i >= 0; i = next(sql, i + 1)) {
                int end = i + 1 + name.length();
                if (sql.regionMatches(i + 1, name, 0, name.length())
                        && (end == sql.length() || !Character.isLetterOrDigit(sql.charAt(end))
                        && sql.charAt(end) != '_')) {
                    return true;
                }
            }
            return false;
        }

        /**
         * @return the index of the next {@code ?} or {@code :} that starts a parameter, from {@code from}, or
         * {@code -1}
         */
        private static int next(String sql, int from) {
            int length = sql.length();
            int i = from;
            while (i < length) {
                char c = sql.charAt(i);
                if (c == '\'' || c == '"' || c == '`') {
                    int end = StatementClassifier.quoteEnd(sql, i, c);
                    i = end < 0 ? length : end;
                }
                else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                    int end = sql.indexOf("*/", i + 2);
                    i = end < 0 ? length : end + 2;
                }
                else if (StatementClassifier.isLineComment(sql, i)) {
                    i = StatementClassifier.lineEnd(sql, i);
                }
                else if (c == '?' || c == ':' && i + 1 < length && Character.isLetter(sql.charAt(i + 1))
                        && (i == 0 || sql.charAt(i - 1) != ':')) {
                    return i;
                }
                else {
                    i++;
                }
            }
            return -1;
        }
    }
}
