package io.github.r2dbcrouting.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Broken and odd R2DBC URLs, each carrying one password built from {@code Pa55} and {@code w0rd.Secret}, and the
 * assertions that no part of that password shows in a text, an error or a log.
 */
public final class SecretCorpus {

    /**
     * Two halves that occur nowhere else in the corpus: finding either in a text means a password, or a part of it,
     * leaked.
     */
    private static final String[] HALVES = {"Pa55", "w0rd"};

    private static final String PASSWORD = "Pa55-w0rd.Secret";

    private static final String AT = "@127.0.0.1/app";

    private static final List<Entry> ENTRIES = List.of(
            // The shape of the URL is wrong.
            new Entry("one slash", "r2dbc:mysql:/sec:" + PASSWORD + AT, PASSWORD),
            new Entry("no colon before the slashes", "r2dbc:mysql//sec:" + PASSWORD + AT, PASSWORD),
            new Entry("no slashes", "r2dbc:mysql:sec:" + PASSWORD + AT, PASSWORD),
            new Entry("three slashes", "r2dbc:mysql:///sec:" + PASSWORD + AT, PASSWORD),
            new Entry("no r2dbc scheme", "mysql://sec:" + PASSWORD + AT, PASSWORD),
            new Entry("no scheme at all", "//sec:" + PASSWORD + AT, PASSWORD),
            new Entry("bare user-info and host", "sec:" + PASSWORD + "@127.0.0.1:3306/app", PASSWORD),
            new Entry("upper-case scheme", "R2DBC:MYSQL://sec:" + PASSWORD + AT, PASSWORD),
            new Entry("leading space", " r2dbc:mysql://sec:" + PASSWORD + AT, PASSWORD),
            new Entry("empty user", "r2dbc:mysql://:" + PASSWORD + AT, PASSWORD),
            new Entry("nothing after the @", "r2dbc:mysql://sec:" + PASSWORD + "@", PASSWORD),
            new Entry("host forgotten", "r2dbc:mysql://sec:" + PASSWORD + "/app", PASSWORD),
            new Entry("host and database forgotten", "r2dbc:mysql://sec:" + PASSWORD, PASSWORD),
            new Entry("port that is no number", "r2dbc:mysql://sec:" + PASSWORD + "@127.0.0.1:port/app", PASSWORD),
            new Entry("driver not on the classpath", "r2dbc:nodriver://sec:" + PASSWORD + AT, PASSWORD),
            new Entry("pool over a driver not on the classpath", "r2dbc:pool:nodriver://sec:" + PASSWORD + AT,
                    PASSWORD),
            new Entry("driver that repeats what it refuses", "r2dbc:leaky://sec:" + PASSWORD + AT, PASSWORD),
            // The password holds a character with a meaning in URLs.
            password("@", "Pa55@w0rd.Secret"),
            password("%40", "Pa55%40w0rd.Secret"),
            password("/", "Pa55/w0rd.Secret"),
            password("%2F", "Pa55%2Fw0rd.Secret"),
            password(":", "Pa55:w0rd.Secret"),
            password("?", "Pa55?w0rd.Secret"),
            password("#", "Pa55#w0rd.Secret"),
            password("//", "Pa55//w0rd.Secret"),
            password(":/", "Pa55:/w0rd.Secret"),
            password("a space", "Pa55 w0rd.Secret"),
            password("%20", "Pa55%20w0rd.Secret"),
            password("a broken escape", "Pa55%w0rd.Secret"),
            new Entry("digits, then /", "r2dbc:mysql://sec:1234/" + PASSWORD + AT, "1234/" + PASSWORD),
            new Entry("/ after one slash", "r2dbc:mysql:/sec:Pa55/w0rd.Secret" + AT, "Pa55/w0rd.Secret"),
            new Entry("@ without slashes", "r2dbc:mysql:sec:Pa55@w0rd.Secret" + AT, "Pa55@w0rd.Secret"),
            new Entry("@ for a driver that repeats what it refuses", "r2dbc:leaky://sec:Pa55@w0rd.Secret" + AT,
                    "Pa55@w0rd.Secret"),
            // The password is a query option.
            new Entry("password option", "r2dbc:mysql://sec" + AT + "?password=" + PASSWORD, PASSWORD),
            new Entry("PASSWORD option", "r2dbc:mysql://sec" + AT + "?PASSWORD=" + PASSWORD, PASSWORD),
            new Entry("pwd option", "r2dbc:mysql://sec" + AT + "?pwd=" + PASSWORD, PASSWORD),
            new Entry("Password option before another", "r2dbc:mysql://sec" + AT + "?Password=" + PASSWORD
                    + "&ssl=true", PASSWORD),
            new Entry("sslKeyPassword option", "r2dbc:mysql://sec" + AT + "?sslKeyPassword=" + PASSWORD, PASSWORD),
            new Entry("options for a driver not on the classpath", "r2dbc:nodriver://sec" + AT + "?PASSWORD="
                    + PASSWORD + "&pwd=" + PASSWORD, PASSWORD),
            new Entry("pwd option for a driver that repeats what it refuses", "r2dbc:leaky://sec" + AT + "?pwd="
                    + PASSWORD, PASSWORD),
            new Entry("pwd option and no user", "r2dbc:mysql://127.0.0.1/app?pwd=" + PASSWORD, PASSWORD),
            new Entry("pwd option for a pool over a driver not on the classpath", "r2dbc:pool:nodriver://sec" + AT
                    + "?pwd=" + PASSWORD, PASSWORD));

    private SecretCorpus() {
    }

    private static Entry password(String holding, String password) {
        return new Entry("password with " + holding, "r2dbc:mysql://sec:" + password + AT, password);
    }

    /**
     * @return every URL of the corpus
     */
    public static List<Entry> urls() {
        return ENTRIES;
    }

    /**
     * @return the URLs whose password a free text can show masked: those without whitespace in their password, where
     * {@link Masking#text(String)} ends a URL
     */
    public static List<Entry> urlsMaskableInText() {
        return ENTRIES.stream()
                .filter(entry -> entry.password().chars().noneMatch(Character::isWhitespace))
                .toList();
    }

    /**
     * Assert that {@code text} shows no part of the entry's password, neither as written nor percent-decoded.
     *
     * @param entry the URL and its password
     * @param where what the text is, for the failure message
     * @param text the text
     */
    public static void assertHidden(Entry entry, String where, String text) {
        assertThat(text).as("%s for %s", where, entry)
                .doesNotContain(entry.password())
                .doesNotContain(decoded(entry.password()))
                .doesNotContain(HALVES);
    }

    /**
     * Assert that neither the message, the {@code toString()} nor the stack trace of {@code error}, of its causes or
     * of their suppressed errors shows any part of the entry's password.
     *
     * @param entry the URL and its password
     * @param error the error
     */
    public static void assertHidden(Entry entry, Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> pending = new ArrayList<>(List.of(error));
        while (!pending.isEmpty()) {
            Throwable next = pending.remove(pending.size() - 1);
            if (!seen.add(next)) {
                continue;
            }
            assertHidden(entry, "message of " + next.getClass().getName(), String.valueOf(next.getMessage()));
            assertHidden(entry, "toString() of " + next.getClass().getName(), next.toString());
            if (next.getCause() != null) {
                pending.add(next.getCause());
            }
            pending.addAll(List.of(next.getSuppressed()));
        }
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        error.printStackTrace(new java.io.PrintStream(trace, true, StandardCharsets.UTF_8));
        assertHidden(entry, "stack trace", trace.toString(StandardCharsets.UTF_8));
    }

    /**
     * Decode the {@code %XX} escapes of {@code text}, leaving a broken escape as it is.
     */
    static String decoded(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (c == '%' && low >= 0) {
                bytes.write(high * 16 + low);
                i += 2;
            }
            else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * One URL of the corpus.
     *
     * @param category what is odd about it
     * @param url the URL
     * @param password the password it carries, as written in the URL
     */
    public record Entry(String category, String url, String password) {

        @Override
        public String toString() {
            // The URL is not shown: a failure message must not print the password either.
            return "'" + this.category + "'";
        }
    }
}
