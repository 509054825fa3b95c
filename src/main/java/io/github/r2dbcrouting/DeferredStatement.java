package io.github.r2dbcrouting;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;

/**
 * A statement created before its server connection arrived: it checks and records the bindings, and when executed
 * creates the statement on the server connection, replays them in order and runs it.
 * <p>
 * It checks what the text shows (a {@code null} value, an index past the last {@code ?}, a name that is not a
 * parameter); a value the driver cannot encode is reported by {@link #execute()}.
 */
final class DeferredStatement implements Statement {

    private final String sql;

    private final LazyConnection server;

    private final List<Consumer<Statement>> calls = new ArrayList<>(4);

    private int parameters = -1;

    DeferredStatement(String sql, LazyConnection server) {
        this.sql = sql;
        this.server = server;
    }

    @Override
    public Statement add() {
        this.calls.add(Statement::add);
        return this;
    }

    @Override
    public Statement bind(int index, Object value) {
        checkIndex(index);
        if (value == null) {
            throw new IllegalArgumentException("value must not be null; use bindNull(index, type) for a null");
        }
        this.calls.add(statement -> statement.bind(index, value));
        return this;
    }

    @Override
    public Statement bind(String name, Object value) {
        checkName(name);
        if (value == null) {
            throw new IllegalArgumentException("value must not be null; use bindNull(name, type) for a null");
        }
        this.calls.add(statement -> statement.bind(name, value));
        return this;
    }

    @Override
    public Statement bindNull(int index, Class<?> type) {
        checkIndex(index);
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        this.calls.add(statement -> statement.bindNull(index, type));
        return this;
    }

    @Override
    public Statement bindNull(String name, Class<?> type) {
        checkName(name);
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        this.calls.add(statement -> statement.bindNull(name, type));
        return this;
    }

    @Override
    public Statement fetchSize(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative, was " + rows);
        }
        this.calls.add(statement -> statement.fetchSize(rows));
        return this;
    }

    @Override
    public Statement returnGeneratedValues(String... columns) {
        if (columns == null) {
            throw new IllegalArgumentException("columns must not be null");
        }
        String[] copy = columns.clone();
        this.calls.add(statement -> statement.returnGeneratedValues(copy));
        return this;
    }

    @Override
    public Flux<Result> execute() {
        List<Consumer<Statement>> recorded = List.copyOf(this.calls);
        return this.server.get().flatMapMany(connection -> {
            Statement statement = connection.createStatement(this.sql);
            recorded.forEach(call -> call.accept(statement));
            return statement.execute();
        });
    }

    private void checkIndex(int index) {
        if (this.parameters < 0) {
            this.parameters = Parameters.count(this.sql);
        }
        if (index < 0 || index >= this.parameters) {
            throw new IndexOutOfBoundsException("Index " + index + " is not a parameter of the statement: it has "
                    + this.parameters + " (0 to " + (this.parameters - 1) + ")");
        }
    }

    private void checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (!Parameters.has(this.sql, name)) {
            throw new IllegalArgumentException("'" + name + "' is not a named parameter of the statement");
        }
    }

    @Override
    public String toString() {
        return "DeferredStatement[" + this.server + "]";
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
                    i = skipQuoted(sql, i, c);
                }
                else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                    int end = sql.indexOf("*/", i + 2);
                    i = end < 0 ? length : end + 2;
                }
                else if (c == '#' || c == '-' && i + 2 < length && sql.charAt(i + 1) == '-'
                        && sql.charAt(i + 2) <= ' ') {
                    int end = sql.indexOf('\n', i);
                    i = end < 0 ? length : end;
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

        private static int skipQuoted(String sql, int start, char quote) {
            int i = start + 1;
            while (i < sql.length()) {
                char c = sql.charAt(i);
                if (c == '\\' && quote != '`') {
                    i += 2;
                }
                else if (c == quote) {
                    return i + 1;
                }
                else {
                    i++;
                }
            }
            return sql.length();
        }
    }
}
