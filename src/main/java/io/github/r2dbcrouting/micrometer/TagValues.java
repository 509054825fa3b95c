package io.github.r2dbcrouting.micrometer;

import java.util.Locale;

import io.github.r2dbcrouting.Route;
import org.jspecify.annotations.Nullable;

/**
 * Tag values shared by the meters and the observations: lower case, words joined by hyphens, {@code none} for
 * something absent.
 */
final class TagValues {

    static final String NONE = "none";

    private TagValues() {
    }

    /**
     * @return {@code primary}, {@code replica} (or the name of a later route), or {@code none} when the Context had
     * no route
     */
    static String route(@Nullable Route route) {
        return route == null ? NONE : of(route);
    }

    static String nameOrNone(@Nullable String name) {
        return name == null ? NONE : name;
    }

    /**
     * @return {@code READ_YOUR_WRITES} as {@code read-your-writes}
     */
    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
