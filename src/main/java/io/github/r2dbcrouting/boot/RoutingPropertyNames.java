package io.github.r2dbcrouting.boot;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Every property of {@link RoutingProperties}, read from its fields, with {@code [*]} for a list index
 * ({@code spring.r2dbc.routing.replicas[*].url}); and the valid property nearest to a name that is none of them.
 */
final class RoutingPropertyNames {

    private static final Pattern INDEX = Pattern.compile("\\[[^\\]]*\\]");

    private static final List<String> TEMPLATES = List.copyOf(templates(RoutingProperties.class,
            RoutingProperties.PREFIX, new ArrayList<>()));

    private RoutingPropertyNames() {
    }

    /**
     * @return every property, lists' indexes as {@code [*]}, in the order of the fields
     */
    static List<String> templates() {
        return TEMPLATES;
    }

    /**
     * Find the valid property nearest to {@code unknown} by edit distance, with {@code unknown}'s list indexes: for
     * {@code spring.r2dbc.routing.replica[1].url}, {@code spring.r2dbc.routing.replicas[1].url}.
     *
     * @param unknown a property name under {@link RoutingProperties#PREFIX}
     * @return the nearest valid property
     */
    static String nearest(String unknown) {
        List<String> indexes = new ArrayList<>();
        Matcher matcher = INDEX.matcher(unknown);
        while (matcher.find()) {
            indexes.add(matcher.group());
        }
        String shape = normalize(INDEX.matcher(unknown).replaceAll("[*]"));
        String best = TEMPLATES.get(0);
        int bestDistance = Integer.MAX_VALUE;
        for (String template : TEMPLATES) {
            int distance = distance(shape, normalize(template));
            if (distance < bestDistance) {
                best = template;
                bestDistance = distance;
            }
        }
        StringBuilder named = new StringBuilder();
        int index = 0;
        int from = 0;
        for (int at = best.indexOf("[*]"); at >= 0; at = best.indexOf("[*]", from)) {
            named.append(best, from, at).append(index < indexes.size() ? indexes.get(index++) : "[0]");
            from = at + 3;
        }
        return named.append(best.substring(from)).toString();
    }

    private static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static List<String> templates(Class<?> type, String prefix, List<String> names) {
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
            hierarchy.add(0, current);
        }
        for (Class<?> current : hierarchy) {
            for (Field field : current.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
                    continue;
                }
                String name = prefix + "." + kebab(field.getName());
                Class<?> element = listElement(field.getGenericType());
                Class<?> value = mapValue(field.getGenericType());
                if (value != null && isGroup(value)) {
                    // A map's keys are names the user chooses (clusters.<name>.*), shaped like a list index.
                    templates(value, name + ".[*]", names);
                }
                else if (element != null && isGroup(element)) {
                    templates(element, name + "[*]", names);
                }
                else if (element == null && isGroup(field.getType())) {
                    templates(field.getType(), name, names);
                }
                else {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static boolean isGroup(Class<?> type) {
        return (type.getEnclosingClass() == RoutingProperties.class || type == ClusterProperties.class)
                && !type.isEnum();
    }

    private static @Nullable Class<?> mapValue(Type type) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == Map.class
                && parameterized.getActualTypeArguments()[1] instanceof Class<?> value) {
            return value;
        }
        return null;
    }

    private static @Nullable Class<?> listElement(Type type) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == List.class
                && parameterized.getActualTypeArguments()[0] instanceof Class<?> element) {
            return element;
        }
        return null;
    }

    private static String kebab(String camel) {
        StringBuilder kebab = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                kebab.append('-').append(Character.toLowerCase(c));
            }
            else {
                kebab.append(c);
            }
        }
        return kebab.toString();
    }
}
