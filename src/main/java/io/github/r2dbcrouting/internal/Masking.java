package io.github.r2dbcrouting.internal;

/**
 * Removes credentials from text that may reach a log line, an exception message or a {@code toString()}.
 */
public final class Masking {

    private static final String MASK = "****";

    private Masking() {
    }

    /**
     * Mask the password of an R2DBC URL such as {@code r2dbc:mysql://user:secret@host:3306/db?password=secret}:
     * the user-info password and any {@code password} query option become {@code ****}.
     *
     * @param url an R2DBC URL, possibly malformed
     * @return the URL with every password masked
     */
    public static String url(String url) {
        String masked = url;
        int scheme = masked.indexOf("://");
        if (scheme >= 0) {
            int authorityStart = scheme + 3;
            int authorityEnd = indexOfAny(masked, authorityStart, '/', '?', '#');
            int at = masked.lastIndexOf('@', authorityEnd - 1);
            if (at >= authorityStart) {
                int colon = masked.indexOf(':', authorityStart);
                if (colon >= 0 && colon < at) {
                    masked = masked.substring(0, colon + 1) + MASK + masked.substring(at);
                }
            }
        }
        return masked.replaceAll("(?i)(password=)[^&#]*", "$1" + MASK);
    }

    private static int indexOfAny(String text, int from, char... stops) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            for (char stop : stops) {
                if (c == stop) {
                    return i;
                }
            }
        }
        return text.length();
    }
}
