/**
 * End-to-end tests of the Spring integration against a real MariaDB primary and two replicas, and the small Spring
 * Boot WebFlux application they drive. Every test asks the server where a statement ran ({@code @@server_id},
 * {@code CONNECTION_ID()}).
 */
@NullMarked
package io.github.r2dbcrouting.spring;

import org.jspecify.annotations.NullMarked;
