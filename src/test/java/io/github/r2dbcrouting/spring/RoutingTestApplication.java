package io.github.r2dbcrouting.spring;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A WebFlux application with nothing but Spring Boot's and this library's auto-configuration, a few endpoints that
 * report where their statements ran, and a Spring Data R2DBC repository.
 */
@SpringBootApplication
public class RoutingTestApplication {
}
