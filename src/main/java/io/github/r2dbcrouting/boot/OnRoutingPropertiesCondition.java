package io.github.r2dbcrouting.boot;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when any {@code spring.r2dbc.routing.*} property is set, so that an application that configured routing
 * gets a router (or a clear error about what is missing) and every other application keeps Spring Boot's own
 * R2DBC configuration.
 */
final class OnRoutingPropertiesCondition extends SpringBootCondition {

    private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of(RoutingProperties.PREFIX);

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition("R2DBC routing properties");
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
            if (source.containsDescendantOf(PREFIX) == ConfigurationPropertyState.PRESENT) {
                return ConditionOutcome.match(message.foundExactly(RoutingProperties.PREFIX + ".*"));
            }
        }
        return ConditionOutcome.noMatch(message.didNotFind("property").items(RoutingProperties.PREFIX + ".*"));
    }
}
