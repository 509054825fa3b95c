package io.github.r2dbcrouting.internal;

import org.jspecify.annotations.Nullable;

/**
 * Removes credentials from text that may reach a log line, an exception message or a {@code toString()}. Each
 * secret becomes {@code ****}:
 * <ul>
 * <li>the password of a user-info {@code user:password@host}, in well-formed and malformed URLs alike: one slash or
 * none after the scheme, no scheme, {@code //user:password@host}, {@code user:password@host:3306/db}. The password
 * runs from the first {@code :} after the user to the <em>last</em> {@code @}, so it may contain {@code @},
 * {@code /}, {@code ?}, {@code #}, {@code :} and percent escapes. Where the text does not show where the user ends,
 * everything from the first {@code :} is masked, driver name included.</li>
 * <li>after a {@code //} without any {@code @}, a {@code :} in the host part that starts no port, as in
 * {@code r2dbc:mysql://user:password/db} with the host forgotten: everything from there to the end of the URL.</li>
 * <li>the value of a {@code key=value} pair whose key, in any case, is {@code pwd} or {@code pass}, or contains
 * {@code password}, {@code passwd}, {@code passphrase}, {@code secret} or {@code credential}: up to the next
 * {@code &} or {@code ;} that starts another {@code key=}, or the end of the URL.</li>
 * </ul>
 * Every method is linear in the length of its text, uses no regular expression, and returns its argument itself
 * when there is nothing to mask.
 */
public final class Masking {

    private static final String MASK = "****";

    private static final String[] SECRET_KEY_PARTS = {"password", "passwd", "passphrase", "secret", "credential"};

    private static final String[] SECRET_KEYS = {"pwd", "pass"};

    private static final int SHORTEST_KNOWN_SECRET = 4;

    private Masking() {
    }

    /**
     * Mask the passwords of one R2DBC URL, well-formed or not, such as
     * {@code r2dbc:mysql://user:secret@host:3306/db?sslKeyPassword=secret}. The whole text is taken as the URL, so a
     * password may even contain whitespace.
     *
     * @param url an R2DBC URL, possibly malformed
     * @return the URL with every password masked
     */
    public static String url(String url) {
        String masked = userInfo(url, false);
        return options(masked, false);
    }

    /**
     * Mask the passwords of every URL and {@code key=value} pair in a free text, such as a driver's error message.
     * URLs and values end at whitespace: a password that contains whitespace is masked only up to it.
     *
     * @param text any text, for example an exception message
     * @return the text with every password masked
     */
    public static String text(String text) {
        String masked = userInfo(text, true);
        return options(masked, true);
    }

    /**
     * Like {@link #text(String)}, and also mask every occurrence of {@code secret}, a password known to the caller
     * (for example the {@code password} option of the options that a driver refused). A secret shorter than four
     * characters is not searched for: it would mask parts of ordinary words.
     *
     * @param text any text, for example an exception message
     * @param secret the known password, or {@code null}; anything but a {@link CharSequence} is ignored
     * @return the text with every password masked
     */
    public static String text(String text, @Nullable Object secret) {
        String masked = text;
        if (secret instanceof CharSequence known && known.length() >= SHORTEST_KNOWN_SECRET) {
            masked = masked.replace(known, MASK);
        }
        return text(masked);
    }

    /**
     * Whether a host, or a comma-separated list of hosts, holds a {@code :} that starts no port: {@code db:3306},
     * {@code [::1]:3306}, {@code ::1} and {@code a:1,b:2} do not; {@code user:secret}, left where the host should
     * be by a password that contains {@code /}, {@code ?} or {@code #}, does.
     *
     * @param host the host part of a URL
     * @return whether it holds a {@code :} that starts no port
     */
    public static boolean hasStrayColon(CharSequence host) {
        return strayColon(host, 0, host.length()) >= 0;
    }

    /**
     * Mask the user-info password of each URL: of the whole text, or of each whitespace-separated word.
     */
    private static String userInfo(String text, boolean words) {
        StringBuilder out = null;
        int copied = 0;
        int end = text.length();
        int start = 0;
        while (start < end) {
            int stop = end;
            if (words) {
                while (start < end && Character.isWhitespace(text.charAt(start))) {
                    start++;
                }
                stop = start;
                while (stop < end && !Character.isWhitespace(text.charAt(stop))) {
                    stop++;
                }
            }
            long secret = password(text, start, stop);
            if (secret >= 0) {
                int from = (int) (secret >>> 32);
                int to = (int) secret;
                out = out != null ? out : new StringBuilder(end + MASK.length());
                out.append(text, copied, from).append(MASK);
                copied = to;
            }
            start = stop;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, end).toString();
    }

    /**
     * @return the range of the password in {@code text[start, end)}, as {@code from << 32 | to}, or {@code -1}
     */
    private static long password(String text, int start, int end) {
        int at = lastIndexOf(text, '@', start, end);
        if (at >= 0) {
            int colon = passwordColon(text, start, at);
            return colon < 0 || colon + 1 == at || isMask(text, colon + 1, at) ? -1 : range(colon + 1, at);
        }
        int slashes = indexOf(text, "//", start, end);
        if (slashes < 0) {
            return -1;
        }
        int hostStart = slashes + 2;
        int hostEnd = hostStart;
        while (hostEnd < end && "/?#".indexOf(text.charAt(hostEnd)) < 0) {
            hostEnd++;
        }
        int colon = strayColon(text, hostStart, hostEnd);
        // Without an '@' nothing shows where the password ends: mask to the end of the URL.
        return colon < 0 || isMaskThenPunctuation(text, colon + 1, end) ? -1 : range(colon + 1, end);
    }

    /**
     * @return the {@code :} that separates the user from the password in {@code text[start, at)}, or {@code -1} when
     * the user-info holds no password
     */
    private static int passwordColon(String text, int start, int at) {
        int slashes = indexOf(text, "//", start, at);
        if (slashes >= 0) {
            boolean afterScheme = slashes == start || indexOf(text, ':', start, slashes) < 0
                    || (text.charAt(slashes - 1) == ':' && endsWithScheme(text, start, slashes - 1));
            // Otherwise the '//' may be inside the password: mask from the first ':'.
            return afterScheme ? indexOf(text, ':', slashes + 2, at) : indexOf(text, ':', start, at);
        }
        int schemeEnd = indexOf(text, ":/", start, at);
        if (schemeEnd >= 0 && endsWithScheme(text, start, schemeEnd)) {
            int colon = indexOf(text, ':', schemeEnd + 2, at);
            if (colon >= 0) {
                return colon;
            }
        }
        return indexOf(text, ':', start, at);
    }

    /**
     * Whether {@code text[start, end)} ends with a scheme such as {@code r2dbc:mysql} and holds no {@code :} or
     * {@code /} before it, where a user and part of a password could be. Punctuation such as a quote or
     * {@code url=} may precede the scheme.
     */
    private static boolean endsWithScheme(String text, int start, int end) {
        int schemeStart = end;
        while (schemeStart > start && isSchemeChar(text.charAt(schemeStart - 1))) {
            schemeStart--;
        }
        if (schemeStart == end || !isLetter(text.charAt(schemeStart))) {
            return false;
        }
        return indexOf(text, ':', start, schemeStart) < 0 && indexOf(text, '/', start, schemeStart) < 0;
    }

    /**
     * @return the first {@code :} of {@code text[start, end)}, a comma-separated list of hosts, that starts no
     * port, or {@code -1}
     */
    private static int strayColon(CharSequence text, int start, int end) {
        int hostStart = start;
        while (hostStart < end) {
            int hostEnd = hostStart;
            while (hostEnd < end && text.charAt(hostEnd) != ',') {
                hostEnd++;
            }
            int colon = strayColonOfOneHost(text, hostStart, hostEnd);
            if (colon >= 0) {
                return colon;
            }
            hostStart = hostEnd + 1;
        }
        return -1;
    }

    private static int strayColonOfOneHost(CharSequence text, int start, int end) {
        if (start == end || text.charAt(start) == '[') {
            return -1;
        }
        int first = -1;
        int colons = 0;
        boolean ipv6 = true;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == ':') {
                first = first < 0 ? i : first;
                colons++;
            }
            else if (Character.digit(c, 16) < 0 && c != '.') {
                ipv6 = false;
            }
        }
        if (colons == 0 || (colons > 1 && ipv6)) {
            return -1;
        }
        if (colons == 1) {
            boolean port = true;
            for (int i = first + 1; i < end; i++) {
                port &= text.charAt(i) >= '0' && text.charAt(i) <= '9';
            }
            return port ? -1 : first;
        }
        return first;
    }

    /**
     * Mask the value of each {@code key=value} pair whose key names a secret.
     */
    private static String options(String text, boolean words) {
        StringBuilder out = null;
        int copied = 0;
        int equals = text.indexOf('=');
        while (equals >= 0) {
            int keyStart = equals;
            while (keyStart > copied && isKeyChar(text.charAt(keyStart - 1))) {
                keyStart--;
            }
            int next = equals + 1;
            if (keyStart < equals && isSecretKey(text, keyStart, equals)) {
                int valueEnd = valueEnd(text, equals + 1, words);
                if (valueEnd > equals + 1 && !isMaskThenPunctuation(text, equals + 1, valueEnd)) {
                    out = out != null ? out : new StringBuilder(text.length());
                    out.append(text, copied, equals + 1).append(MASK);
                    copied = valueEnd;
                }
                next = valueEnd;
            }
            equals = text.indexOf('=', next);
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static int valueEnd(String text, int from, boolean words) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (words && Character.isWhitespace(c)) {
                return i;
            }
            if ((c == '&' || c == ';') && startsKey(text, i + 1)) {
                return i;
            }
        }
        return text.length();
    }

    private static boolean startsKey(String text, int from) {
        int i = from;
        while (i < text.length() && isKeyChar(text.charAt(i))) {
            i++;
        }
        return i > from && i < text.length() && text.charAt(i) == '=';
    }

    private static boolean isKeyChar(char c) {
        return isLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    }

    private static boolean isSecretKey(String text, int start, int end) {
        int length = end - start;
        for (String key : SECRET_KEYS) {
            if (length == key.length() && text.regionMatches(true, start, key, 0, length)) {
                return true;
            }
        }
        for (String part : SECRET_KEY_PARTS) {
            for (int i = start; i + part.length() <= end; i++) {
                if (text.regionMatches(true, i, part, 0, part.length())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isSchemeChar(char c) {
        return isLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-' || c == ':';
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /**
     * Whether {@code text[start, end)} is a mask followed by nothing but closing punctuation, such as the quote
     * around a URL that was masked before.
     */
    private static boolean isMaskThenPunctuation(String text, int start, int end) {
        if (!text.startsWith(MASK, start) || start + MASK.length() > end) {
            return false;
        }
        for (int i = start + MASK.length(); i < end; i++) {
            if ("'\")]}>,;.".indexOf(text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMask(String text, int start, int end) {
        return end - start == MASK.length() && text.startsWith(MASK, start);
    }

    private static int indexOf(String text, char c, int start, int end) {
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(String text, String pair, int start, int end) {
        for (int i = start; i + 1 < end; i++) {
            if (text.charAt(i) == pair.charAt(0) && text.charAt(i + 1) == pair.charAt(1)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(String text, char c, int start, int end) {
        for (int i = end - 1; i >= start; i--) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static long range(int from, int to) {
        return ((long) from << 32) | to;
    }
}
