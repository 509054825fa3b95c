package io.github.r2dbcrouting.boot;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Finds the properties under {@code spring.r2dbc.routing} that are none of {@link RoutingProperties}' (compared as
 * Spring Boot binds them: case, dashes and list indexes aside), in every property source but the environment
 * variables and the system properties, where other software's variables may look like ours.
 */
final class UnknownRoutingProperties {

    private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of(RoutingProperties.PREFIX);

    private static final Set<String> KNOWN = known();

    private UnknownRoutingProperties() {
    }

    /**
     * @throws UnknownRoutingPropertyException if {@code environment} sets a property of our prefix that we do not
     * have
     */
    static void check(Environment environment) {
        List<UnknownRoutingPropertyException.Unknown> unknown = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable) || isSystem(source)) {
                continue;
            }
            iterable.stream().filter(PREFIX::isAncestorOf).forEach(name -> {
                String text = name.toString();
                if (!KNOWN.contains(shape(text)) && seen.add(text)) {
                    ConfigurationProperty property = source.getConfigurationProperty(name);
                    Origin origin = property == null ? null : property.getOrigin();
                    unknown.add(new UnknownRoutingPropertyException.Unknown(text,
                            origin == null ? "" : origin.toString(), RoutingPropertyNames.nearest(text)));
                }
            });
        }
        if (!unknown.isEmpty()) {
            throw new UnknownRoutingPropertyException(unknown);
        }
    }

    private static boolean isSystem(ConfigurationPropertySource source) {
        Object underlying = source.getUnderlyingSource();
        if (underlying instanceof PropertySource<?> propertySource) {
            String name = propertySource.getName();
            return StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(name)
                    || StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(name);
        }
        return false;
    }

    private static Set<String> known() {
        Set<String> known = new HashSet<>();
        for (String template : RoutingPropertyNames.templates()) {
            known.add(shape(template));
            // A list of values, such as web.read-methods, may also be set element by element.
            known.add(shape(template + "[0]"));
            // A group may be set as a whole, such as an empty list: YAML's 'replicas: []'.
            for (int end = template.indexOf('.', RoutingProperties.PREFIX.length() + 1); end > 0;
                    end = template.indexOf('.', end + 1)) {
                String group = template.substring(0, end);
                known.add(shape(group));
                if (group.endsWith("[*]")) {
                    known.add(shape(group.substring(0, group.length() - 3)));
                }
            }
        }
        return known;
    }

    private static String shape(String name) {
        // A cluster's name (clusters.<name>.*) is the user's, like a list index.
        return name.replaceAll("\\[[^\\]]*\\]", "[*]")
                .replaceFirst("^(spring\\.r2dbc\\.routing\\.clusters\\.)[^.]+\\.", "$1[*].")
                .toLowerCase(Locale.ROOT).replace("-", "");
    }
}
