/**
 * A Spring Boot WebFlux application with two clusters from properties: the default one ({@code spring.r2dbc.routing
 * .primary}/{@code replicas}) and {@code billing} ({@code spring.r2dbc.routing.clusters.billing.*}), a repository
 * group and a transaction manager bound to each, and its end-to-end test against two real MariaDB primaries with
 * their replicas. A package of its own, so that the other Spring tests' application does not scan it.
 */
@NullMarked
package io.github.r2dbcrouting.clusterapp;

import org.jspecify.annotations.NullMarked;
