package io.github.r2dbcrouting;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

final class SessionTokensTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    private final byte[] key = new byte[32];

    private SessionTokens tokens(Instant now) {
        return SessionTokens.of(this.key, Duration.ofMinutes(5), Clock.fixed(now, ZoneOffset.UTC));
    }

    private String tokenFor(String position, Instant time) {
        return tokens(NOW).encode(RoutingSession.resume(position, time));
    }

    @Test
    void tokenCarriesThePositionAndTimeOfTheLastWrite() {
        RoutingSession resumed = tokens(NOW).decode(tokenFor("0-1-42", NOW.minusSeconds(3)));
        assertThat(resumed).isNotNull();
        assertThat(resumed.lastWritePosition()).isEqualTo("0-1-42");
        assertThat(resumed.lastWriteTime()).isEqualTo(NOW.minusSeconds(3));
    }

    @Test
    void sessionWithoutWriteGivesNoToken() {
        assertThat(tokens(NOW).encode(new RoutingSession())).isNull();
    }

    @Test
    void timeOnlyTokenResumesWithoutPosition() {
        RoutingSession resumed = tokens(NOW).decode(tokenFor(null, NOW));
        assertThat(resumed).isNotNull();
        assertThat(resumed.lastWritePosition()).isNull();
    }

    @Test
    void tamperedTokenIsIgnored() {
        String token = tokenFor("0-1-42", NOW);
        String forged = token.replace(token.split("\\.")[1], "MC0xLTk5OTk5OTk5OQ");
        assertThat(tokens(NOW).decode(forged)).isNull();
        assertThat(tokens(NOW).decode(token.substring(0, token.length() - 2) + "xx")).isNull();
    }

    @Test
    void tokenSignedWithAnotherKeyIsIgnored() {
        byte[] other = Arrays.copyOf(this.key, 32);
        other[0] = 1;
        String token = SessionTokens.of(other, Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC))
                .encode(RoutingSession.resume("0-1-42", NOW));
        assertThat(tokens(NOW).decode(token)).isNull();
    }

    @Test
    void expiredOrFutureTokenIsIgnored() {
        String token = tokenFor("0-1-42", NOW);
        assertThat(tokens(NOW.plus(Duration.ofMinutes(5)).plusMillis(1)).decode(token)).isNull();
        assertThat(tokens(NOW.minusSeconds(60)).decode(token)).isNull();
    }

    @Test
    void malformedOrOversizedTokenIsIgnored() {
        SessionTokens codec = tokens(NOW);
        assertThat(codec.decode(null)).isNull();
        assertThat(codec.decode("")).isNull();
        assertThat(codec.decode("v1.abc")).isNull();
        assertThat(codec.decode("v2.a.b.c")).isNull();
        assertThat(codec.decode("x".repeat(SessionTokens.MAX_LENGTH + 1))).isNull();
    }

    @Test
    void signedTokenWithAnUnsafePositionIsIgnored() {
        assertThat(tokens(NOW).decode(tokenFor("0-1-1'; DROP TABLE t; --", NOW))).isNull();
    }

    @Test
    void shortKeysAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> SessionTokens.of(new byte[16], Duration.ofMinutes(1)))
                .withMessageContaining("at least 32 bytes");
    }
}
