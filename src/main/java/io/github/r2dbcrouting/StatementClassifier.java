package io.github.r2dbcrouting;

import java.util.Locale;

/**
 * Tells from a statement's text whether a replica may run it, as connections on the {@link Route#REPLICA replica}
 * and {@link Route#AUTO auto} routes do before they send it: one pass over the characters, no regular expression,
 * no allocation. When unsure it answers "primary".
 * <p>
 * A replica may run a non-locking read: {@code SELECT}, {@code WITH ... SELECT}, {@code VALUES}, {@code TABLE},
 * {@code SHOW}, {@code DESCRIBE}/{@code DESC}/{@code EXPLAIN} (without {@code ANALYZE}, which runs the statement)
 * and {@code ANALYZE SELECT}. Such a read still needs the primary when, outside string literals, quoted identifiers
 * and comments, it contains:
 * <ul>
 * <li>a locking clause: {@code FOR UPDATE}, {@code FOR SHARE}, {@code LOCK IN SHARE MODE}, also in a subquery;</li>
 * <li>{@code INTO} ({@code SELECT ... INTO OUTFILE}, {@code INTO @variable});</li>
 * <li>the word {@code INSERT}, {@code UPDATE} or {@code DELETE} (a {@code WITH} that modifies data);</li>
 * <li>a sequence function: {@code NEXTVAL}, {@code SETVAL}, {@code LASTVAL}, {@code NEXT VALUE FOR},
 * {@code PREVIOUS VALUE FOR};</li>
 * <li>a named lock function, whose locks live on one server: {@code GET_LOCK}, {@code RELEASE_LOCK},
 * {@code RELEASE_ALL_LOCKS}, {@code IS_FREE_LOCK}, {@code IS_USED_LOCK};</li>
 * <li>an executable comment ({@code /*!...*&#47;}, {@code /*M!...*&#47;}), or a literal, identifier or comment
 * that does not end.</li>
 * </ul>
 * Everything else needs the primary: writes, DDL, {@code CALL}, {@code LOAD}, {@code SET}, {@code DO},
 * transaction statements, {@code LOCK TABLES}, and whatever this class does not recognise.
 * <p>
 * A leading comment {@code route=primary} or {@code route=replica} (for example
 * {@code /* route=primary *&#47; SELECT ...}) decides instead, for statements whose effect the text does not show,
 * such as a stored function that writes, or a procedure that only reads.
 */
public final class StatementClassifier {

    private static final int NO_HINT = 0;

    private static final int HINT_PRIMARY = 1;

    private static final int HINT_REPLICA = 2;

    // The word before the current one, where it changes the meaning of the current one.
    private static final int AFTER_OTHER = 0;

    private static final int AFTER_FOR = 1;

    private static final int AFTER_IN = 2;

    private static final int AFTER_NEXT_OR_PREVIOUS = 3;

    private StatementClassifier() {
    }

    /**
     * Tell where the router sends a statement that is the first unit of work of a replica-routed or auto-routed
     * connection, for example to check an application's statements in a test.
     *
     * @param sql a statement's text
     * @return whether it must run on the primary; {@code false} only for a statement a replica can run
     * @throws IllegalArgumentException if {@code sql} is {@code null}
     */
    public static boolean needsPrimary(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            if (c <= ' ' || c == '(') {
                i++;
            }
            else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                if (isExecutableComment(sql, i)) {
                    return true;
                }
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    return true;
                }
                int hint = hint(sql, i + 2, end);
                if (hint != NO_HINT) {
                    return hint == HINT_PRIMARY;
                }
                i = end + 2;
            }
            else if (isLineComment(sql, i)) {
                int end = lineEnd(sql, i);
                int hint = hint(sql, i + (c == '#' ? 1 : 2), end);
                if (hint != NO_HINT) {
                    return hint == HINT_PRIMARY;
                }
                i = end;
            }
            else {
                break;
            }
        }
        int start = i;
        int end = wordEnd(sql, start);
        switch (end - start) {
            case 4:
                if (sql.regionMatches(true, start, "SHOW", 0, 4)) {
                    return false;
                }
                if (sql.regionMatches(true, start, "DESC", 0, 4)) {
                    return explainNeedsPrimary(sql, end);
                }
                return !sql.regionMatches(true, start, "WITH", 0, 4) || readNeedsPrimary(sql, end);
            case 5:
                return !sql.regionMatches(true, start, "TABLE", 0, 5) || readNeedsPrimary(sql, end);
            case 6:
                if (sql.regionMatches(true, start, "SELECT", 0, 6)
                        || sql.regionMatches(true, start, "VALUES", 0, 6)) {
                    return readNeedsPrimary(sql, end);
                }
                return true;
            case 7:
                if (sql.regionMatches(true, start, "EXPLAIN", 0, 7)) {
                    return explainNeedsPrimary(sql, end);
                }
                return !sql.regionMatches(true, start, "ANALYZE", 0, 7) || analyzeNeedsPrimary(sql, end);
            case 8:
                return !sql.regionMatches(true, start, "DESCRIBE", 0, 8) || explainNeedsPrimary(sql, end);
            default:
                return true;
        }
    }

    /**
     * Tell whether a statement only changes the connection's own session ({@code SET} of a session or user
     * variable, {@code SET TRANSACTION}, {@code SET NAMES}, {@code USE}): inside a read-only transaction on a
     * replica such a statement runs there, since the transaction cannot move; elsewhere it goes to the primary like
     * any statement {@link #needsPrimary} sends there. {@code SET GLOBAL}, {@code SET PERSIST} and a {@code SET} whose value needs the primary (a locking
     * subquery, a sequence) are not session statements.
     *
     * @param sql a statement's text
     * @return whether it changes only the session
     */
    static boolean isSessionStatement(String sql) {
        int start = 0;
        int length = sql.length();
        while (start < length && (sql.charAt(start) <= ' ' || sql.charAt(start) == '(')) {
            start++;
        }
        int end = wordEnd(sql, start);
        if (is(sql, start, end - start, "USE")) {
            return true;
        }
        if (!is(sql, start, end - start, "SET")) {
            return false;
        }
        int next = skipSpace(sql, end);
        while (next < length && sql.charAt(next) == '@') {
            next++;
        }
        int nextEnd = wordEnd(sql, next);
        int word = nextEnd - next;
        if (is(sql, next, word, "GLOBAL")
                || is(sql, next, word, "PERSIST")
                || is(sql, next, word, "PERSIST_ONLY")) {
            return false;
        }
        return !readNeedsPrimary(sql, end);
    }

    /**
     * @return the statement's first keyword, upper case, for messages; {@code "?"} if it has none
     */
    static String firstKeyword(String sql) {
        int i = 0;
        int length = sql.length();
        while (i < length) {
            char c = sql.charAt(i);
            if (c <= ' ' || c == '(') {
                i++;
            }
            else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*' && !isExecutableComment(sql, i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? length : end + 2;
            }
            else if (isLineComment(sql, i)) {
                i = lineEnd(sql, i);
            }
            else {
                break;
            }
        }
        int end = wordEnd(sql, i);
        return end == i ? "?" : sql.substring(i, end).toUpperCase(Locale.ROOT);
    }

    /**
     * {@code EXPLAIN}/{@code DESCRIBE} only show a plan, unless followed by {@code ANALYZE}, which runs the
     * statement.
     */
    private static boolean explainNeedsPrimary(String sql, int from) {
        int start = skipSpace(sql, from);
        int end = wordEnd(sql, start);
        if (is(sql, start, end - start, "ANALYZE")) {
            return readNeedsPrimary(sql, end);
        }
        return false;
    }

    /**
     * MariaDB's {@code ANALYZE [FORMAT=...] SELECT} runs the query; {@code ANALYZE TABLE} and {@code ANALYZE}
     * of a write change the server.
     */
    private static boolean analyzeNeedsPrimary(String sql, int from) {
        int i = skipSpace(sql, from);
        int end = wordEnd(sql, i);
        if (is(sql, i, end - i, "FORMAT")) {
            i = skipSpace(sql, end);
            if (i >= sql.length() || sql.charAt(i) != '=') {
                return true;
            }
            i = skipSpace(sql, i + 1);
            i = skipSpace(sql, wordEnd(sql, i));
            end = wordEnd(sql, i);
        }
        return !(is(sql, i, end - i, "SELECT")) || readNeedsPrimary(sql, end);
    }

    /**
     * Scan the rest of a read for what makes it need the primary.
     */
    private static boolean readNeedsPrimary(String sql, int from) {
        int length = sql.length();
        int previous = AFTER_OTHER;
        int i = from;
        while (i < length) {
            char c = sql.charAt(i);
            if (isWordStart(c)) {
                int end = wordEnd(sql, i);
                int word = end - i;
                switch (Character.toUpperCase(c)) {
                    case 'D':
                        if (is(sql, i, word, "DELETE")) {
                            return true;
                        }
                        break;
                    case 'F':
                        if (is(sql, i, word, "FOR")) {
                            previous = AFTER_FOR;
                            i = end;
                            continue;
                        }
                        break;
                    case 'I':
                        if (is(sql, i, word, "IN")) {
                            previous = AFTER_IN;
                            i = end;
                            continue;
                        }
                        if (is(sql, i, word, "INTO")
                                || is(sql, i, word, "INSERT")) {
                            return true;
                        }
                        break;
                    case 'L':
                        if (is(sql, i, word, "LASTVAL")) {
                            return true;
                        }
                        break;
                    case 'N':
                        if (is(sql, i, word, "NEXTVAL")) {
                            return true;
                        }
                        if (is(sql, i, word, "NEXT")) {
                            previous = AFTER_NEXT_OR_PREVIOUS;
                            i = end;
                            continue;
                        }
                        break;
                    case 'P':
                        if (is(sql, i, word, "PREVIOUS")) {
                            previous = AFTER_NEXT_OR_PREVIOUS;
                            i = end;
                            continue;
                        }
                        break;
                    case 'S':
                        if (previous != AFTER_OTHER && is(sql, i, word, "SHARE")
                                || is(sql, i, word, "SETVAL")) {
                            return true;
                        }
                        break;
                    case 'U':
                        if (is(sql, i, word, "UPDATE")) {
                            return true;
                        }
                        break;
                    case 'V':
                        if (previous == AFTER_NEXT_OR_PREVIOUS && is(sql, i, word, "VALUE")) {
                            return true;
                        }
                        break;
                    default:
                        break;
                }
                if (isLockFunction(sql, i, end)) {
                    return true;
                }
                previous = AFTER_OTHER;
                i = end;
            }
            else if (c == '\'' || c == '"' || c == '`') {
                i = quoteEnd(sql, i, c);
                if (i < 0) {
                    return true;
                }
                previous = AFTER_OTHER;
            }
            else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                if (isExecutableComment(sql, i)) {
                    return true;
                }
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    return true;
                }
                i = end + 2;
            }
            else if (isLineComment(sql, i)) {
                i = lineEnd(sql, i);
            }
            else if (c >= '0' && c <= '9') {
                i = wordEnd(sql, i);
                previous = AFTER_OTHER;
            }
            else {
                if (c > ' ') {
                    previous = AFTER_OTHER;
                }
                i++;
            }
        }
        return false;
    }

    /**
     * @return whether {@code [start, end)} is a named lock function: its name ends in {@code _LOCK} or
     * {@code _LOCKS}
     */
    /**
     * @return whether the word {@code [start, start + length)} is {@code keyword}, in any case
     */
    private static boolean is(String sql, int start, int length, String keyword) {
        return length == keyword.length() && sql.regionMatches(true, start, keyword, 0, length);
    }

    private static boolean isLockFunction(String sql, int start, int end) {
        char last = sql.charAt(end - 1);
        if (last == 's' || last == 'S') {
            end--;
        }
        return end - start > 5 && sql.regionMatches(true, end - 5, "_LOCK", 0, 5);
    }

    /**
     * @return the index after the quote that closes the one at {@code start}, or {@code -1} if none does; a
     * backslash escapes in strings, a doubled quote escapes in all three kinds
     */
    static int quoteEnd(String sql, int start, char quote) {
        int length = sql.length();
        int i = start + 1;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
            }
            else if (c == quote) {
                if (i + 1 < length && sql.charAt(i + 1) == quote) {
                    i += 2;
                }
                else {
                    return i + 1;
                }
            }
            else {
                i++;
            }
        }
        return -1;
    }

    /**
     * Read a {@code route=primary} or {@code route=replica} hint from the comment text {@code [start, end)}.
     */
    private static int hint(String sql, int start, int end) {
        int i = skipSpace(sql, start);
        if (end - i < 5 || !sql.regionMatches(true, i, "route", 0, 5)) {
            return NO_HINT;
        }
        i = skipSpace(sql, i + 5);
        if (i >= end || sql.charAt(i) != '=') {
            return NO_HINT;
        }
        i = skipSpace(sql, i + 1);
        int wordEnd = Math.min(wordEnd(sql, i), end);
        if (is(sql, i, wordEnd - i, "primary")) {
            return HINT_PRIMARY;
        }
        if (is(sql, i, wordEnd - i, "replica")) {
            return HINT_REPLICA;
        }
        return NO_HINT;
    }

    private static boolean isExecutableComment(String sql, int start) {
        int i = start + 2;
        return i < sql.length() && (sql.charAt(i) == '!'
                || (sql.charAt(i) == 'M' || sql.charAt(i) == 'm') && i + 1 < sql.length()
                && sql.charAt(i + 1) == '!');
    }

    /**
     * @return whether a line comment starts at {@code i}: {@code #}, or {@code --} followed by white space or the
     * end of the text
     */
    static boolean isLineComment(String sql, int i) {
        char c = sql.charAt(i);
        if (c == '#') {
            return true;
        }
        return c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-'
                && (i + 2 == sql.length() || sql.charAt(i + 2) <= ' ');
    }

    static int lineEnd(String sql, int i) {
        int end = sql.indexOf('\n', i);
        return end < 0 ? sql.length() : end;
    }

    private static int skipSpace(String sql, int i) {
        while (i < sql.length() && sql.charAt(i) <= ' ') {
            i++;
        }
        return i;
    }

    private static boolean isWordStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$' || c > 127;
    }

    private static int wordEnd(String sql, int i) {
        int length = sql.length();
        while (i < length) {
            char c = sql.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$'
                    || c > 127) {
                i++;
            }
            else {
                break;
            }
        }
        return i;
    }
}
