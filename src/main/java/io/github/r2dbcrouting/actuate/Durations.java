package io.github.r2dbcrouting.actuate;

import java.math.BigDecimal;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Durations as operators read them in JSON: {@code 0s}, {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 5m}.
 */
final class Durations {

    private Durations() {
    }

    static @Nullable String format(@Nullable Duration duration) {
        if (duration == null) {
            return null;
        }
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
    }
}
