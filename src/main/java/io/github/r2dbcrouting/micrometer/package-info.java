/**
 * Micrometer for the router: {@link io.github.r2dbcrouting.micrometer.RoutingMetrics} counts and times routing
 * events ({@code r2dbc.routing.*}), {@link io.github.r2dbcrouting.micrometer.ReplicaMetrics} gauges each replica's
 * state and lag, {@link io.github.r2dbcrouting.micrometer.TargetPoolMetrics} publishes r2dbc-pool's metrics of every
 * pool the router uses ({@code r2dbc.pool.*}, tagged with the target's name), and
 * {@link io.github.r2dbcrouting.micrometer.RoutingObservations} wraps each connection acquisition in an
 * {@link io.micrometer.observation.Observation}.
 * <p>
 * Needs {@code io.micrometer:micrometer-core} (meters) or {@code micrometer-observation} (observations), optional
 * dependencies of this library. Tags carry route and target names only, never a URL or a password.
 */
@NullMarked
package io.github.r2dbcrouting.micrometer;

import org.jspecify.annotations.NullMarked;
