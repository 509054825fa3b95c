/**
 * Read/write routing for R2DBC: a {@link io.r2dbc.spi.ConnectionFactory} that sends each unit of work to a
 * primary or to one of its replicas, chosen from a key in the Reactor Context.
 * <p>
 * Start with {@link io.github.r2dbcrouting.RoutingConnectionFactory#builder()} and the operators in
 * {@link io.github.r2dbcrouting.Routing}. This package has no Spring dependency.
 */
@NullMarked
package io.github.r2dbcrouting;

import org.jspecify.annotations.NullMarked;
