package io.github.r2dbcrouting.dialect;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

final class ReplicationDialectTest {

    private final ReplicationDialect mariaDb = ReplicationDialect.mariaDb();

    private final ReplicationDialect mySql = ReplicationDialect.mySql();

    @Test
    void mariaDbPositionCoversEarlierWritesOfEachDomain() {
        assertThat(this.mariaDb.covers("0-1-42", "0-1-42")).isTrue();
        assertThat(this.mariaDb.covers("0-1-43", "0-1-42")).isTrue();
        assertThat(this.mariaDb.covers("0-1-41", "0-1-42")).isFalse();
        assertThat(this.mariaDb.covers("0-1-50,1-2-3", "1-2-4")).isFalse();
        assertThat(this.mariaDb.covers("0-1-50,1-2-3", "0-1-10,1-2-3")).isTrue();
        assertThat(this.mariaDb.covers("", "0-1-1")).isFalse();
    }


    @Test
    void mySqlSetCoversEveryIntervalOfTheWrite() {
        String uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        assertThat(this.mySql.covers(uuid + ":1-100", uuid + ":57")).isTrue();
        assertThat(this.mySql.covers(uuid.toUpperCase() + ":1-100", uuid + ":1-100")).isTrue();
        assertThat(this.mySql.covers(uuid + ":1-56", uuid + ":57")).isFalse();
        assertThat(this.mySql.covers(uuid + ":1-100", "4e11fa47-71ca-11e1-9e33-c80aa9429562:1")).isFalse();
    }

    @Test
    void versionDecidesTheDialect() {
        assertThat(ServerVersion.dialectOf("10.11.6-MariaDB-0+deb12u1-log")).isSameAs(MariaDbDialect.INSTANCE);
        assertThat(ServerVersion.dialectOf("10.4.32-MariaDB")).isSameAs(MariaDbDialect.LEGACY);
        assertThat(ServerVersion.dialectOf("8.0.36")).isSameAs(MySqlDialect.MODERN);
        assertThat(ServerVersion.dialectOf("8.0.21-log")).isSameAs(MySqlDialect.LEGACY);
        assertThat(ServerVersion.dialectOf("5.7.44")).isSameAs(MySqlDialect.LEGACY);
    }
}
