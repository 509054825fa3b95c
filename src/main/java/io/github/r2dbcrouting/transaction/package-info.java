/**
 * Spring transactions that choose primary or replica from their definition: read-write transactions on the
 * primary, read-only ones on a replica, each on its one connection from BEGIN to COMMIT.
 * <p>
 * Needs {@code spring-r2dbc} and {@code spring-tx}, optional dependencies of this library.
 */
@NullMarked
package io.github.r2dbcrouting.transaction;

import org.jspecify.annotations.NullMarked;
