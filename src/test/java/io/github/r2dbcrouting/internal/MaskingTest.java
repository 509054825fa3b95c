package io.github.r2dbcrouting.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
    void urlWithoutPasswordIsUnchanged() {
        assertThat(Masking.url("r2dbc:mysql://app@db:3306/shop")).isEqualTo("r2dbc:mysql://app@db:3306/shop");
        assertThat(Masking.url("not a url")).isEqualTo("not a url");
    }
}
