package io.github.r2dbcrouting.dialect;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code SELECT VERSION()}, for example {@code 10.11.6-MariaDB-0+deb12u1-log} or {@code 8.0.36}.
 */
final class ServerVersion {

    private static final Pattern NUMBERS = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)");

    private ServerVersion() {
    }

    static ReplicationDialect dialectOf(String version) {
        int[] numbers = numbers(version);
        if (version.toLowerCase(java.util.Locale.ROOT).contains("mariadb")) {
            return atLeast(numbers, 10, 5, 1) ? MariaDbDialect.INSTANCE : MariaDbDialect.LEGACY;
        }
        return atLeast(numbers, 8, 0, 22) ? MySqlDialect.MODERN : MySqlDialect.LEGACY;
    }

    private static int[] numbers(String version) {
        Matcher matcher = NUMBERS.matcher(version.trim());
        if (!matcher.find()) {
            return new int[] {0, 0, 0};
        }
        return new int[] {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3))};
    }

    private static boolean atLeast(int[] version, int major, int minor, int patch) {
        if (version[0] != major) {
            return version[0] > major;
        }
        if (version[1] != minor) {
            return version[1] > minor;
        }
        return version[2] >= patch;
    }
}
