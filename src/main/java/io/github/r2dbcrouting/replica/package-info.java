/**
 * Replicas as selection sees them: the read-only {@link io.github.r2dbcrouting.replica.Replica} view, its
 * {@link io.github.r2dbcrouting.replica.ReplicaState}, and the {@link io.github.r2dbcrouting.replica.ReplicaSelector}
 * extension point with its built-in strategies (round-robin, random, weighted, least in use).
 */
@NullMarked
package io.github.r2dbcrouting.replica;

import org.jspecify.annotations.NullMarked;
