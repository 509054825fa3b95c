package io.github.r2dbcrouting.internal;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

final class MaskingTest {

    @Test
    void userInfoPasswordIsMasked() {
        assertThat(Masking.url("r2dbc:mysql://app:s3cret@db:3306/shop"))
                .isEqualTo("r2dbc:mysql://app:****@db:3306/shop");
    }

    @Test
    void passwordOptionIsMasked() {
        assertThat(Masking.url("r2dbc:mysql://db/shop?user=app&password=s3cret&ssl=true"))
                .isEqualTo("r2dbc:mysql://db/shop?user=app&password=****&ssl=true");
    }

    @Test
    void passwordWithAnAtSignIsMaskedWhole() {
        assertThat(Masking.url("r2dbc:mysql://app:p@ss@db/shop")).isEqualTo("r2dbc:mysql://app:****@db/shop");
    }

    @Test
    void passwordWithSlashQuestionMarkHashAndColonIsMaskedUpToTheLastAtSign() {
        assertThat(Masking.url("r2dbc:mysql://app:a/b?c#d:e@db/shop")).isEqualTo("r2dbc:mysql://app:****@db/shop");
        assertThat(Masking.url("r2dbc:mysql://app:a//b@db/shop")).isEqualTo("r2dbc:mysql://app:****@db/shop");
    }

    @Test
    void percentEncodedPasswordIsMaskedWhole() {
        assertThat(Masking.url("r2dbc:mysql://app:p%40ss%2Fw%3Ard@db/shop"))
                .isEqualTo("r2dbc:mysql://app:****@db/shop");
    }

    @Test
    void passwordAfterOneSlashIsMasked() {
        assertThat(Masking.url("r2dbc:mysql:/sec:s3cret@127.0.0.1/app"))
                .isEqualTo("r2dbc:mysql:/sec:****@127.0.0.1/app");
        assertThat(Masking.url("r2dbc:mysql:/sec:s3:c/ret@127.0.0.1/app"))
                .isEqualTo("r2dbc:mysql:/sec:****@127.0.0.1/app");
    }

    @Test
    void withoutAClearUserEverythingFromTheFirstColonIsMasked() {
        assertThat(Masking.url("r2dbc:mysql//sec:s3cret@127.0.0.1/app")).isEqualTo("r2dbc:****@127.0.0.1/app");
        assertThat(Masking.url("r2dbc:mysql:sec:s3cret@127.0.0.1/app")).isEqualTo("r2dbc:****@127.0.0.1/app");
        assertThat(Masking.url("r2dbc:mysql:/sec:a:/b@db/app")).isEqualTo("r2dbc:mysql:/sec:****@db/app");
        assertThat(Masking.url("sec:a:/b@db/app")).isEqualTo("sec:****@db/app");
        assertThat(Masking.url("sec:a//b@db/app")).isEqualTo("sec:****@db/app");
        assertThat(Masking.url("sec:p'a://b:c@db/app")).isEqualTo("sec:****@db/app");
        assertThat(Masking.url("sec:p'a:/b:c@db/app")).isEqualTo("sec:****@db/app");
    }

    @Test
    void passwordOfAUrlWithoutSchemeIsMasked() {
        assertThat(Masking.url("mysql://u:s3cret@h/db")).isEqualTo("mysql://u:****@h/db");
        assertThat(Masking.url("//u:s3cret@h/db")).isEqualTo("//u:****@h/db");
        assertThat(Masking.url("u:s3cret@h:3306/db")).isEqualTo("u:****@h:3306/db");
    }

    @Test
    void withoutAnAtSignAColonThatStartsNoPortHidesTheRestOfTheUrl() {
        assertThat(Masking.url("r2dbc:mysql://sec:s3cret/app")).isEqualTo("r2dbc:mysql://sec:****");
        assertThat(Masking.url("r2dbc:mysql://sec:s3cret")).isEqualTo("r2dbc:mysql://sec:****");
    }

    @Test
    void aUrlIsOneWordEvenWithWhitespaceInItsPassword() {
        assertThat(Masking.url("r2dbc:mysql://sec:correct horse@db/app")).isEqualTo("r2dbc:mysql://sec:****@db/app");
    }

    @Test
    void secretQueryOptionsAreMaskedInAnyCase() {
        assertThat(Masking.url("r2dbc:mysql://db/app?PASSWORD=a&pwd=b&Pass=c&sslKeyPassword=d&clientSecret=e"
                + "&passwd=f&ssl=true"))
                .isEqualTo("r2dbc:mysql://db/app?PASSWORD=****&pwd=****&Pass=****&sslKeyPassword=****"
                        + "&clientSecret=****&passwd=****&ssl=true");
        assertThat(Masking.url("r2dbc:h2:mem:///db;USER=sa;PASSWORD=s3cret;DB_CLOSE_DELAY=-1"))
                .isEqualTo("r2dbc:h2:mem:///db;USER=sa;PASSWORD=****;DB_CLOSE_DELAY=-1");
    }

    @Test
    void aSecretOptionValueRunsToTheNextKey() {
        assertThat(Masking.url("r2dbc:mysql://db/app?pwd=a&b=c&d&ssl=true"))
                .isEqualTo("r2dbc:mysql://db/app?pwd=****&b=c&d&ssl=true");
        assertThat(Masking.url("r2dbc:mysql://db/app?pwd=a&b&c#d")).isEqualTo("r2dbc:mysql://db/app?pwd=****");
    }

    @Test
    void everyUrlOfATextIsMasked() {
        assertThat(Masking.text("primary r2dbc:mysql://a:one@h1/db, replica 'r2dbc:mysql:/b:two@h2/db' and "
                + "{url=mysql://c:three@h3/db, pwd=four, PASSWORD=five}"))
                .isEqualTo("primary r2dbc:mysql://a:****@h1/db, replica 'r2dbc:mysql:/b:****@h2/db' and "
                        + "{url=mysql://c:****@h3/db, pwd=**** PASSWORD=****");
    }

    @Test
    void aKnownSecretIsMaskedWhereverItAppears() {
        assertThat(Masking.text("login with Pa55-w0rd failed", "Pa55-w0rd")).isEqualTo("login with **** failed");
        assertThat(Masking.text("No value found for user", "use")).isEqualTo("No value found for user");
        assertThat(Masking.text("No value found for user", null)).isEqualTo("No value found for user");
    }

    @Test
    void urlsWithoutPasswordAndOrdinaryMessagesAreUnchanged() {
        String[] unchanged = {
            "r2dbc:mysql://app@db:3306/shop",
            "r2dbc:mysql://db:3306,db2:3307/shop",
            "r2dbc:mysql://[::1]:3306/shop",
            "r2dbc:mysql://::1/shop",
            "r2dbc:h2:mem:///testdb",
            "not a url",
            "Access denied for user 'app'@'10.0.0.5' (using password: YES)",
            "Connection refused: localhost/127.0.0.1:3306",
            "io.asyncer.r2dbc.mysql.MySqlConnectionFactory@553f17c",
            "No replica is UP (replica-1: DOWN, lag 12s > maxLag 5s)",
        };
        for (String text : unchanged) {
            assertThat(Masking.url(text)).as(text).isSameAs(text);
            assertThat(Masking.text(text)).as(text).isSameAs(text);
        }
    }

    @Test
    void maskingTwiceChangesNothingMore() {
        String[] urls = {
            "r2dbc:mysql://app:s3cret@db/shop?pwd=x",
            "r2dbc:mysql:sec:s3cret@db/app",
            "r2dbc:mysql://sec:s3cret/app",
        };
        for (String url : urls) {
            String once = Masking.url(url);
            assertThat(Masking.url(once)).as(url).isSameAs(once);
            assertThat(Masking.text(once)).as(url).isSameAs(once);
            String quoted = "'" + once + "' is wrong.";
            assertThat(Masking.text(quoted)).as(url).isSameAs(quoted);
        }
    }

    @Test
    void hostsWithAColonThatStartsNoPortAreFound() {
        assertThat(Masking.hasStrayColon("sec:Pa55")).isTrue();
        assertThat(Masking.hasStrayColon(":Pa55")).isTrue();
        assertThat(Masking.hasStrayColon("sec:Pa55:")).isTrue();
        assertThat(Masking.hasStrayColon("db:3306,sec:Pa55")).isTrue();
        assertThat(Masking.hasStrayColon("db")).isFalse();
        assertThat(Masking.hasStrayColon("db:3306,db2:3307")).isFalse();
        assertThat(Masking.hasStrayColon("[::1]")).isFalse();
        assertThat(Masking.hasStrayColon("fe80::1")).isFalse();
    }

    @Test
    void longHostileTextsAreMaskedInLinearTime() {
        String[] texts = {
            "a:".repeat(200_000) + "@",
            "a:@".repeat(200_000),
            "//".repeat(200_000) + "a:b",
            "pwd=&".repeat(200_000),
            "&a".repeat(200_000),
            "a=".repeat(200_000),
            "x:y@z ".repeat(100_000),
        };
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (String text : texts) {
                Masking.url(text);
                Masking.text(text);
            }
        });
    }
}
