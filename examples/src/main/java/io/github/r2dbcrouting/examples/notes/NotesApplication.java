package io.github.r2dbcrouting.examples.notes;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A notes service whose reads go to replicas and writes to the primary, configured only by
 * {@code spring.r2dbc.routing.*} properties. Every response says in {@code X-Served-By} which server answered.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NotesApplication {

    public static void main(String[] args) {
        SpringApplication.run(NotesApplication.class, args);
    }
}
