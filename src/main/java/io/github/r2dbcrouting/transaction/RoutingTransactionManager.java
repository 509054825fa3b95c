package io.github.r2dbcrouting.transaction;

import io.github.r2dbcrouting.Route;
import io.github.r2dbcrouting.Routing;
import io.github.r2dbcrouting.RoutingConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * An {@link R2dbcTransactionManager} that routes each new transaction by its definition before it obtains the
 * transaction's connection from a {@link RoutingConnectionFactory}.
 * <ul>
 * <li>A read-write transaction runs on the primary, whatever route its Context carries.</li>
 * <li>A read-only transaction ({@code @Transactional(readOnly = true)}, or a {@code TransactionalOperator} with a
 * read-only definition) runs where its Context routes if a route is set there (for example a replica under a GET
 * request, the primary under a POST, a {@code @UsePrimary} handler or {@link Routing#withPrimary()}), and on a
 * replica when no route is set. It keeps the sticky replica of its scope.</li>
 * </ul>
 * The route is written into the Context of the connection request only, around
 * {@link #doBegin(TransactionSynchronizationManager, Object, TransactionDefinition) doBegin}: everything else is
 * plain {@code R2dbcTransactionManager}. The connection is bound to the transaction under the routing factory, so
 * every statement of the transaction, including those under an inner {@link Routing#withReplica()}, runs on that
 * one connection, and a rollback undoes all of them. Transactions that join an existing one, and nested
 * (savepoint) transactions, use the existing connection.
 * <p>
 * The R2DBC transaction definition carries the read-only flag, so r2dbc-mysql begins a read-only transaction with
 * {@code START TRANSACTION READ ONLY} and a read-write one with {@code START TRANSACTION READ WRITE}. Leave
 * {@link #setEnforceReadOnly(boolean) enforceReadOnly} off: it would send {@code SET TRANSACTION READ ONLY} after
 * the transaction started, which MySQL and MariaDB refuse.
 * <pre class="code">
 * &#64;Bean
 * ReactiveTransactionManager transactionManager(ConnectionFactory connectionFactory) {
 *     return new RoutingTransactionManager(connectionFactory);
 * }
 * </pre>
 */
public final class RoutingTransactionManager extends R2dbcTransactionManager {

    /**
     * Create a transaction manager for {@code connectionFactory}.
     *
     * @param connectionFactory usually a {@link RoutingConnectionFactory}; any other factory works as with
     * {@link R2dbcTransactionManager}
     */
    public RoutingTransactionManager(ConnectionFactory connectionFactory) {
        super(connectionFactory);
    }

    /**
     * Decide where a new transaction runs.
     *
     * @param definition the transaction's definition
     * @param context the Context of the code that starts the transaction
     * @return {@link Route#PRIMARY} for a read-write transaction; for a read-only one, the Context's route if it has
     * one, else {@link Route#REPLICA}
     */
    public static Route routeOf(TransactionDefinition definition, ContextView context) {
        if (!definition.isReadOnly()) {
            return Route.PRIMARY;
        }
        Route route = Routing.explicitRoute(context);
        return route != null ? route : Route.REPLICA;
    }

    /**
     * Begin the transaction as {@link R2dbcTransactionManager} does, with the route of
     * {@link #routeOf(TransactionDefinition, ContextView)} in the Context that obtains the connection.
     */
    @Override
    protected Mono<Void> doBegin(TransactionSynchronizationManager synchronizationManager, Object transaction,
            TransactionDefinition definition) {
        return Mono.deferContextual(context -> super.doBegin(synchronizationManager, transaction, definition)
                .contextWrite(Routing.withRoute(routeOf(definition, context))));
    }
}
