/**
 * Spring Boot Actuator integration: the {@code routing} health indicator, which checks the primary and each replica
 * directly, and the read-only {@code routing} endpoint, which shows the router's configuration (passwords masked)
 * and the live state of every target.
 * <p>
 * Needs {@code spring-boot-actuator}, an optional dependency of this library; the auto-configuration lives in
 * {@link io.github.r2dbcrouting.boot}.
 */
@NullMarked
package io.github.r2dbcrouting.actuate;

import org.jspecify.annotations.NullMarked;
