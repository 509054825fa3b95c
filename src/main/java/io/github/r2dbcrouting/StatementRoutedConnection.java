package io.github.r2dbcrouting;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Function;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The connection handed out for the {@link Route#REPLICA replica} and {@link Route#AUTO auto} routes: it picks its
 * server from its first unit of work, before anything is sent, and never lets a replica run what a replica cannot.
 * <ul>
 * <li>A non-locking read (see {@link StatementClassifier}) runs on the replica the route chooses, with the usual
 * sticky and read-your-writes rules.</li>
 * <li>A write, a locking read, a read-write transaction, or an unrecognised statement runs on the primary, and the
 * connection stays there from then on, so the caller reads its own write. On the replica route with
 * {@link WritesOnReplicaRoute#FAIL}, it fails with a {@link WriteOnReplicaRouteException} instead.</li>
 * <li>A read-only transaction runs on the replica; a write inside it fails, since a transaction never moves.</li>
 * </ul>
 * Session settings made before the server is chosen (isolation level, lock wait and statement timeouts) are kept and
 * applied to each server connection it takes. The server connections are acquired when first needed and closed
 * with this connection.
 */
final class StatementRoutedConnection implements Connection, Wrapped<Connection> {

    private static final AtomicReferenceFieldUpdater<StatementRoutedConnection, Servers> SERVERS =
            AtomicReferenceFieldUpdater.newUpdater(StatementRoutedConnection.class, Servers.class, "servers");

    private final RoutingConnectionFactory router;

    private final ContextRoute route;

    private volatile Servers servers = Servers.NONE;

    /**
     * Whether a read-only transaction is open on the replica.
     */
    private volatile boolean replicaTransaction;

    private volatile @Nullable IsolationLevel isolationLevel;

    private volatile @Nullable Duration lockWaitTimeout;

    private volatile @Nullable Duration statementTimeout;

    /**
     * @param replicaConnection the replica connection a {@link Route#REPLICA} route chose, or {@code null} to choose
     * the server at the first unit of work
     */
    StatementRoutedConnection(RoutingConnectionFactory router, ContextRoute route,
            @Nullable Connection replicaConnection) {
        this.router = router;
        this.route = route;
        if (replicaConnection != null) {
            this.servers = new Servers(new LazyConnection(replicaConnection), null, false);
        }
    }

    /**
     * The server connection a unit of work runs on: the current one if it can run there, else a new one on the
     * primary (or, before the first unit of work, on the server it needs).
     */
    private LazyConnection on(boolean primary, String statement) {
        for (;;) {
            Servers now = this.servers;
            LazyConnection current = now.current;
            if (now.closed || current != null && (current.primary || !primary)) {
                return now.closed ? Servers.CLOSED_CONNECTION : current;
            }
            LazyConnection next = open(primary);
            if (SERVERS.compareAndSet(this, now, new Servers(next, current, false))) {
                if (current != null) {
                    this.router.escalated(this.route, statement);
                }
                return next;
            }
        }
    }

    private LazyConnection open(boolean primary) {
        RoutingSession session = this.route.session;
        Mono<? extends Connection> connection = primary
                ? Mono.defer(() -> this.router.primaryFor(session))
                : Mono.defer(() -> this.router.replicaFor(session));
        return new LazyConnection(primary, connection.flatMap(this::applySettings), Routing.context(this.route));
    }

    /**
     * Give a server connection the settings this connection was given before it arrived.
     */
    private Mono<Connection> applySettings(Connection connection) {
        this.router.sawIsolationLevel(connection.getTransactionIsolationLevel());
        IsolationLevel isolation = this.isolationLevel;
        Duration lockWait = this.lockWaitTimeout;
        Duration statement = this.statementTimeout;
        if (isolation == null && lockWait == null && statement == null) {
            return Mono.just(connection);
        }
        return Mono.when(isolation == null ? Mono.empty() : connection.setTransactionIsolationLevel(isolation),
                        lockWait == null ? Mono.empty() : connection.setLockWaitTimeout(lockWait),
                        statement == null ? Mono.empty() : connection.setStatementTimeout(statement))
                .thenReturn(connection)
                .onErrorResume(error -> Mono.from(connection.close()).onErrorResume(closeError -> Mono.empty())
                        .then(Mono.error(error)));
    }

    /**
     * @return why a unit of work that needs the primary must not run, or {@code null} if it may
     */
    private @Nullable WriteOnReplicaRouteException refusal(String keyword) {
        LazyConnection current = this.servers.current;
        if (this.replicaTransaction && current != null && !current.primary) {
            return new WriteOnReplicaRouteException(keyword + " cannot run inside the read-only transaction this "
                    + "connection runs on a replica (route " + this.route.route + " from "
                    + this.route.describeOrigin() + "): a transaction never moves to another server. Begin a "
                    + "read-write transaction for work that writes or locks");
        }
        if (this.route.route == Route.REPLICA
                && this.router.configuration().getWritesOnReplicaRoute() == WritesOnReplicaRoute.FAIL) {
            return new WriteOnReplicaRouteException(keyword + " needs the primary, but this connection is on the "
                    + "replica route (from " + this.route.describeOrigin() + ") and writesOnReplicaRoute=FAIL; "
                    + "nothing was sent. Route this work to the primary with Routing.withPrimary(), or let such "
                    + "statements escalate with writesOnReplicaRoute(ESCALATE)");
        }
        return null;
    }

    /**
     * A statement runs where the connection is when it is executed, not where it was when the statement was
     * created: a transaction begun in between counts. Only a connection already on the primary, which never moves
     * again, hands out its server's statements directly.
     */
    @Override
    public Statement createStatement(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        LazyConnection current = this.servers.current;
        if (current != null && current.primary) {
            Connection connection = current.now();
            if (connection != null) {
                return connection.createStatement(sql);
            }
        }
        return new DeferredStatement(sql, this, StatementClassifier.needsPrimary(sql));
    }

    /**
     * @return the server connection a statement runs on now, or why it must not run
     */
    Mono<Connection> serverFor(boolean primary, String sql) {
        return Mono.defer(() -> {
            LazyConnection current = this.servers.current;
            if (primary && (current == null || !current.primary)) {
                WriteOnReplicaRouteException refused = refusal(StatementClassifier.firstKeyword(sql));
                if (refused != null) {
                    return Mono.error(refused);
                }
            }
            return on(primary, sql).get();
        });
    }

    @Override
    public Batch createBatch() {
        return new DeferredBatch(this);
    }

    /**
     * Run a batch on the server its statements need: the primary if any of them does.
     */
    Flux<Result> execute(List<String> statements) {
        return Flux.defer(() -> {
            boolean primary = false;
            String first = "?";
            for (String sql : statements) {
                if (StatementClassifier.needsPrimary(sql)) {
                    primary = true;
                    first = StatementClassifier.firstKeyword(sql);
                    break;
                }
            }
            LazyConnection current = this.servers.current;
            if (primary && (current == null || !current.primary)) {
                WriteOnReplicaRouteException refused = refusal(first);
                if (refused != null) {
                    return Flux.error(refused);
                }
            }
            return on(primary, first).get().flatMapMany(connection -> {
                Batch batch = connection.createBatch();
                statements.forEach(batch::add);
                return batch.execute();
            });
        });
    }

    @Override
    public Mono<Void> beginTransaction() {
        return begin(null);
    }

    @Override
    public Mono<Void> beginTransaction(TransactionDefinition definition) {
        if (definition == null) {
            throw new IllegalArgumentException("definition must not be null");
        }
        return begin(definition);
    }

    private Mono<Void> begin(@Nullable TransactionDefinition definition) {
        return Mono.defer(() -> {
            boolean readOnly = definition != null
                    && Boolean.TRUE.equals(definition.getAttribute(TransactionDefinition.READ_ONLY));
            LazyConnection current = this.servers.current;
            if (!readOnly && (current == null || !current.primary)) {
                WriteOnReplicaRouteException refused = refusal("BEGIN (a read-write transaction)");
                if (refused != null) {
                    return Mono.error(refused);
                }
            }
            LazyConnection target = on(!readOnly, "BEGIN");
            return target.get()
                    .flatMap(connection -> Mono.from(definition == null ? connection.beginTransaction()
                            : connection.beginTransaction(definition)))
                    .doOnSuccess(done -> this.replicaTransaction = !target.primary);
        });
    }

    @Override
    public Mono<Void> commitTransaction() {
        return onCurrent(Connection::commitTransaction).doOnSuccess(done -> this.replicaTransaction = false);
    }

    @Override
    public Mono<Void> rollbackTransaction() {
        return onCurrent(Connection::rollbackTransaction).doOnSuccess(done -> this.replicaTransaction = false);
    }

    /**
     * Run a transaction call on the current server connection; nothing to do before the first unit of work.
     */
    private Mono<Void> onCurrent(Function<Connection, Publisher<Void>> call) {
        return Mono.defer(() -> {
            LazyConnection current = this.servers.current;
            return current == null ? Mono.empty()
                    : current.get().flatMap(connection -> Mono.from(call.apply(connection)));
        });
    }

    /**
     * Run a call that starts a transaction unless one is open: on the current server if it is the primary or holds
     * the read-only transaction, else on the primary.
     */
    private Mono<Void> inTransaction(String keyword,
            Function<Connection, Publisher<Void>> call) {
        return Mono.defer(() -> {
            LazyConnection current = this.servers.current;
            LazyConnection target;
            if (current != null && (current.primary || this.replicaTransaction)) {
                target = current;
            }
            else {
                WriteOnReplicaRouteException refused = refusal(keyword);
                if (refused != null) {
                    return Mono.error(refused);
                }
                target = on(true, keyword);
            }
            return target.get().flatMap(connection -> Mono.from(call.apply(connection)));
        });
    }

    @Override
    public Mono<Void> setAutoCommit(boolean autoCommit) {
        if (autoCommit) {
            return onCurrent(connection -> connection.setAutoCommit(true))
                    .doOnSuccess(done -> this.replicaTransaction = false);
        }
        return inTransaction("SET autocommit=0", connection -> connection.setAutoCommit(false));
    }

    @Override
    public boolean isAutoCommit() {
        Connection connection = serverConnection();
        return connection == null || connection.isAutoCommit();
    }

    @Override
    public Mono<Void> createSavepoint(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        return inTransaction("SAVEPOINT", connection -> connection.createSavepoint(name));
    }

    @Override
    public Mono<Void> releaseSavepoint(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        return inTransaction("RELEASE SAVEPOINT", connection -> connection.releaseSavepoint(name));
    }

    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        return inTransaction("ROLLBACK TO SAVEPOINT", connection -> connection.rollbackTransactionToSavepoint(name));
    }

    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        Connection connection = serverConnection();
        if (connection != null) {
            return connection.getTransactionIsolationLevel();
        }
        IsolationLevel level = this.isolationLevel;
        return level != null ? level : this.router.isolationLevelSeen();
    }

    @Override
    public Mono<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
        if (isolationLevel == null) {
            throw new IllegalArgumentException("isolationLevel must not be null");
        }
        return Mono.defer(() -> {
            this.isolationLevel = isolationLevel;
            return onCurrent(connection -> connection.setTransactionIsolationLevel(isolationLevel));
        });
    }

    @Override
    public Mono<Void> setLockWaitTimeout(Duration timeout) {
        if (timeout == null) {
            throw new IllegalArgumentException("timeout must not be null");
        }
        return Mono.defer(() -> {
            this.lockWaitTimeout = timeout;
            return onCurrent(connection -> connection.setLockWaitTimeout(timeout));
        });
    }

    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        if (timeout == null) {
            throw new IllegalArgumentException("timeout must not be null");
        }
        return Mono.defer(() -> {
            this.statementTimeout = timeout;
            return onCurrent(connection -> connection.setStatementTimeout(timeout));
        });
    }

    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        if (depth == null) {
            throw new IllegalArgumentException("depth must not be null");
        }
        return Mono.defer(() -> {
            if (this.servers.closed) {
                return Mono.just(false);
            }
            Connection connection = serverConnection();
            return connection == null ? Mono.just(true) : Mono.from(connection.validate(depth));
        });
    }

    @Override
    public ConnectionMetadata getMetadata() {
        Connection connection = serverConnection();
        return connection != null ? connection.getMetadata() : new NotYetConnected(this.router);
    }

    /**
     * Close the server connections this connection took, which returns them to their pools. Safe to call twice.
     */
    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> {
            Servers closed = SERVERS.getAndSet(this, Servers.CLOSED);
            if (closed.closed) {
                return Mono.empty();
            }
            LazyConnection current = closed.current;
            LazyConnection left = closed.left;
            return Mono.when(current == null ? Mono.empty() : current.close(),
                    left == null ? Mono.empty() : left.close());
        });
    }

    /**
     * @return the server connection this connection's work runs on now
     * @throws IllegalStateException if no unit of work chose a server yet (a connection on the {@link Route#AUTO}
     * route before its first statement or transaction)
     */
    @Override
    public Connection unwrap() {
        Connection connection = serverConnection();
        if (connection == null) {
            throw new IllegalStateException("This connection has no server yet: on route " + this.route.route
                    + ", its first statement or transaction chooses one");
        }
        return connection;
    }

    private @Nullable Connection serverConnection() {
        LazyConnection current = this.servers.current;
        return current == null ? null : current.now();
    }

    @Override
    public String toString() {
        LazyConnection current = this.servers.current;
        return "StatementRoutedConnection[" + this.route.route + ", "
                + (this.servers.closed ? "closed" : current == null ? "no server yet"
                        : current.primary ? "on the primary" : "on a replica") + "]";
    }

    /**
     * The server connections of a routed connection: the one its work runs on, and the replica connection it left
     * when its work moved to the primary. Immutable.
     */
    private static final class Servers {

        static final Servers NONE = new Servers(null, null, false);

        static final Servers CLOSED = new Servers(null, null, true);

        static final LazyConnection CLOSED_CONNECTION = closedConnection();

        final @Nullable LazyConnection current;

        final @Nullable LazyConnection left;

        final boolean closed;

        Servers(@Nullable LazyConnection current, @Nullable LazyConnection left, boolean closed) {
            this.current = current;
            this.left = left;
            this.closed = closed;
        }

        private static LazyConnection closedConnection() {
            LazyConnection connection = new LazyConnection(true, Mono.empty(), Context.empty());
            connection.close();
            return connection;
        }
    }

    /**
     * What {@link #getMetadata()} says before a server is chosen: the product of the primary's factory.
     */
    private static final class NotYetConnected implements ConnectionMetadata {

        private final RoutingConnectionFactory router;

        NotYetConnected(RoutingConnectionFactory router) {
            this.router = router;
        }

        @Override
        public String getDatabaseProductName() {
            return this.router.getMetadata().getName();
        }

        @Override
        public String getDatabaseVersion() {
            return "unknown until the connection's first statement chooses a server";
        }
    }
}
