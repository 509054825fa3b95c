package io.github.r2dbcrouting.internal;

import io.r2dbc.spi.ConnectionFactoryOptions;

/**
 * Reads R2DBC URLs without letting their password into an exception.
 */
public final class R2dbcUrls {

    private static final String PROHIBITED_OPTION = " must not declare option ";

    private static final String ENCODE = "percent-encode those characters in the password (%2F, %3F, %23, and "
            + "%40 for '@')";

    private static final String[] URL_OPTIONS = {"database", "driver", "host", "password", "port", "protocol",
            "user"};

    private R2dbcUrls() {
    }

    /**
     * Parse an R2DBC URL. The parser's own exception is never chained or quoted: its message repeats the URL,
     * password included.
     * <p>
     * Besides what {@link ConnectionFactoryOptions#parse(CharSequence)} refuses, this refuses a URL whose password
     * would end up in an option that is not the password, where a driver would later print it (in a connection
     * error, say): a host that holds a {@code :} starting no port ({@code user:pa/ss@host} gives the host
     * {@code user:pa}), and an {@code @} before the query while no user was read ({@code r2dbc:mysql:///user:pass@host}
     * gives the database {@code user:pass@host}).
     *
     * @param url an R2DBC URL such as {@code r2dbc:mysql://user@host:3306/database}
     * @return its options
     * @throws IllegalArgumentException if {@code url} is malformed, with a message that says what is wrong without
     * repeating any part of the URL
     */
    public static ConnectionFactoryOptions parse(String url) {
        ConnectionFactoryOptions options;
        try {
            options = ConnectionFactoryOptions.parse(url);
        }
        catch (RuntimeException ex) {
            throw new IllegalArgumentException(problem(url, ex));
        }
        if (options.getValue(ConnectionFactoryOptions.HOST) instanceof CharSequence host
                && Masking.hasStrayColon(host)) {
            throw new IllegalArgumentException("its host part holds a ':' that starts no port, as when the host is "
                    + "missing or a '/', '?' or '#' in the password ends the user-info early; " + ENCODE);
        }
        int query = url.indexOf('?');
        int at = url.indexOf('@');
        if (!options.hasOption(ConnectionFactoryOptions.USER) && at >= 0 && (query < 0 || at < query)) {
            throw new IllegalArgumentException("its '@' ends no user-info, as when the user is empty, a '/' too many "
                    + "precedes it or a '/', '?' or '#' in the password ends the user-info early; " + ENCODE);
        }
        return options;
    }

    private static String problem(String url, RuntimeException ex) {
        if (!url.startsWith("r2dbc:")) {
            return "it does not start with r2dbc:";
        }
        if (url.chars().anyMatch(Character::isWhitespace)) {
            return "it contains whitespace; percent-encode it in the password (%20)";
        }
        String message = String.valueOf(ex.getMessage());
        int prohibited = message.indexOf(PROHIBITED_OPTION);
        if (prohibited >= 0) {
            for (String option : URL_OPTIONS) {
                if (message.startsWith(option + " ", prohibited + PROHIBITED_OPTION.length())) {
                    return "its query string sets the option '" + option + "', which only the URL itself may set";
                }
            }
        }
        if (!url.contains("://")) {
            return "it has no '://' before the user and host";
        }
        return "the R2DBC URL parser refuses it (" + ex.getClass().getSimpleName() + ")";
    }
}
