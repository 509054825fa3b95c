package io.github.r2dbcrouting.boot;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata that the jar ships (generated from {@link RoutingProperties} and completed by
 * {@code additional-spring-configuration-metadata.json}) describes every property, the replicas' too, and offers
 * the values of the enumerated ones.
 */
final class ConfigurationMetadataTest {

    private static JsonNode metadata() throws IOException {
        try (InputStream in = ConfigurationMetadataTest.class.getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json, written by the configuration processor")
                    .isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    private static Map<String, JsonNode> byName(JsonNode array) {
        Map<String, JsonNode> named = new HashMap<>();
        array.forEach(node -> named.put(node.get("name").asText(), node));
        return named;
    }

    @Test
    void everyPropertyHasADescriptionAndReplicasAreDescribedElementByElement() throws IOException {
        Map<String, JsonNode> properties = byName(metadata().get("properties"));
        for (String template : RoutingPropertyNames.templates()) {
            if (template.startsWith(RoutingProperties.PREFIX + ".clusters.")) {
                // A cluster's properties are described once, by the clusters map.
                continue;
            }
            String name = template.replace("[*]", "[0]");
            assertThat(properties).as("metadata of " + name).containsKey(name);
            assertThat(properties.get(name).path("description").asText()).as("description of " + name).isNotBlank();
        }
        assertThat(properties).containsKeys("management.health.routing.enabled", "management.endpoint.routing.access",
                RoutingProperties.PREFIX + ".clusters");
    }

    @Test
    void defaultsAreStated() throws IOException {
        Map<String, JsonNode> properties = byName(metadata().get("properties"));
        assertThat(properties.get("spring.r2dbc.routing.startup-check").path("defaultValue").asText()).isEqualTo("warn");
        assertThat(properties.get("spring.r2dbc.routing.replica-selection").path("defaultValue").asText())
                .isEqualTo("round-robin");
        assertThat(properties.get("spring.r2dbc.routing.max-lag").path("defaultValue").asText()).isEqualTo("5s");
        assertThat(properties.get("spring.r2dbc.routing.replicas[0].weight").path("defaultValue").asInt()).isEqualTo(1);
        assertThat(properties.get("spring.r2dbc.routing.web.served-by-header").path("defaultValue").asBoolean())
                .isFalse();
    }

    @Test
    void enumeratedPropertiesOfferTheirValues() throws IOException {
        Map<String, JsonNode> hints = byName(metadata().get("hints"));
        Map<String, List<String>> expected = Map.of(
                "spring.r2dbc.routing.replica-selection", List.of("round-robin", "random", "weighted", "least-in-use"),
                "spring.r2dbc.routing.read-your-writes", List.of("gtid", "time-window", "none"),
                "spring.r2dbc.routing.startup-check", List.of("fail", "warn", "off"));
        expected.forEach((name, values) -> {
            assertThat(hints).as("hints of " + name).containsKey(name);
            assertThat(hints.get(name).get("values").findValuesAsText("value")).as("values of " + name)
                    .containsExactlyElementsOf(values);
            hints.get(name).get("values").forEach(value ->
                    assertThat(value.path("description").asText()).as("description of " + value).isNotBlank());
        });
    }
}
