package io.github.r2dbcrouting;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Carries a {@link RoutingSession}'s last write from one request of a client to its next, as a short signed text
 * (for a cookie or a header), so that the client reads its own writes across requests.
 * <p>
 * A token holds the write's replication position and time, signed with HMAC-SHA256. {@link #decode(String)}
 * ignores a token that is forged, expired, from the future, malformed or longer than {@value #MAX_LENGTH}
 * characters, logging why at debug level: such a token changes nothing and delays nothing. A position from a
 * token is only ever bound as a statement parameter, never written into SQL text.
 */
public final class SessionTokens {

    /**
     * The longest token accepted.
     */
    public static final int MAX_LENGTH = 512;

    private static final Logger logger = Loggers.getLogger(SessionTokens.class);

    private static final String VERSION = "v1";

    private static final Pattern POSITION = Pattern.compile("[0-9A-Za-z:,\\-]{0,400}");

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

    private final SecretKeySpec key;

    private final Duration maxAge;

    private final Clock clock;

    private SessionTokens(byte[] key, Duration maxAge, Clock clock) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /**
     * @param key the signing key, at least 32 bytes; every instance of the application must share it
     * @param maxAge how long a token is honoured after its write
     * @return a codec
     * @throws IllegalArgumentException if the key is shorter than 32 bytes or {@code maxAge} is not positive
     */
    public static SessionTokens of(byte[] key, Duration maxAge) {
        return of(key, maxAge, Clock.systemUTC());
    }

    static SessionTokens of(byte[] key, Duration maxAge, Clock clock) {
        if (key == null || key.length < 32) {
            throw new IllegalArgumentException("session token key must have at least 32 bytes, had "
                    + (key == null ? 0 : key.length));
        }
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("session token maxAge must be positive, was " + maxAge);
        }
        return new SessionTokens(key, maxAge, clock);
    }

    /**
     * @param maxAge how long a token is honoured after its write
     * @return a codec with a random key: tokens are honoured by this process only, until it restarts
     */
    public static SessionTokens withRandomKey(Duration maxAge) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return of(key, maxAge);
    }

    /**
     * @param session a session that may have written
     * @return a token for the session's last write, or {@code null} if it made none
     */
    public @Nullable String encode(RoutingSession session) {
        Instant time = session.lastWriteTime();
        if (time == null) {
            return null;
        }
        String position = session.lastWritePosition();
        String payload = VERSION + "." + base64(position == null ? "" : position) + "." + time.toEpochMilli();
        return payload + "." + sign(payload);
    }

    /**
     * @param token a token from {@link #encode(RoutingSession)}, or anything a client sent
     * @return a session resumed at the token's write, or {@code null} if the token is not one to honour
     */
    public @Nullable RoutingSession decode(@Nullable String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        if (token.length() > MAX_LENGTH) {
            return ignore("longer than " + MAX_LENGTH + " characters");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0])) {
            return ignore("malformed");
        }
        String payload = parts[0] + "." + parts[1] + "." + parts[2];
        if (!MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII),
                parts[3].getBytes(StandardCharsets.US_ASCII))) {
            return ignore("bad signature");
        }
        Instant time;
        String position;
        try {
            time = Instant.ofEpochMilli(Long.parseLong(parts[2]));
            position = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException ex) {
            return ignore("malformed");
        }
        Instant now = this.clock.instant();
        if (time.isAfter(now.plus(CLOCK_SKEW))) {
            return ignore("written in the future");
        }
        if (time.plus(this.maxAge).isBefore(now)) {
            return ignore("expired");
        }
        if (!POSITION.matcher(position).matches()) {
            return ignore("malformed position");
        }
        return RoutingSession.resume(position.isEmpty() ? null : position, time);
    }

    private static @Nullable RoutingSession ignore(String why) {
        logger.debug("Ignoring a session token: {}", why);
        return null;
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(this.key);
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 is not available", ex);
        }
    }

    /**
     * @return how long a token is honoured after its write
     */
    public Duration maxAge() {
        return this.maxAge;
    }

    @Override
    public String toString() {
        return "SessionTokens[maxAge=" + this.maxAge + "]";
    }
}
