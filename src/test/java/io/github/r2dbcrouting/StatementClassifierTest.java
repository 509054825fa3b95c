package io.github.r2dbcrouting;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where {@link StatementClassifier} sends each statement of {@code statements.txt}: MariaDB and MySQL reads, locking
 * reads, writes, DDL, session statements, hints, and text it cannot read.
 */
final class StatementClassifierTest {

    record Case(boolean primary, String sql, int line) {

        @Override
        public String toString() {
            return "line " + this.line + ": " + (this.primary ? "primary" : "replica") + " <- "
                    + this.sql.replace("\n", "\\n");
        }
    }

    static Stream<Case> statements() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = StatementClassifierTest.class.getResourceAsStream("statements.txt");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String target = line.substring(0, colon);
                String sql = line.substring(colon + 1);
                if (sql.startsWith(" ")) {
                    sql = sql.substring(1);
                }
                cases.add(new Case(target.equals("primary"), sql.replace("\\n", "\n").replace("\\t", "\t"), number));
            }
        }
        return cases.stream();
    }

    @Test
    void theTableCoversAtLeastOneHundredFiftyStatementsBothWays() throws IOException {
        List<Case> cases = statements().toList();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(150);
        assertThat(cases).filteredOn(Case::primary).hasSizeGreaterThan(50);
        assertThat(cases).filteredOn(c -> !c.primary()).hasSizeGreaterThan(50);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statements")
    void eachStatementGoesWhereItCanRun(Case statement) {
        assertThat(StatementClassifier.needsPrimary(statement.sql()))
                .as("needs the primary: %s", statement.sql())
                .isEqualTo(statement.primary());
    }

    @Test
    void theFirstKeywordNamesTheStatementInMessages() {
        assertThat(StatementClassifier.firstKeyword("  /* c */ (insert into t values (1))")).isEqualTo("INSERT");
        assertThat(StatementClassifier.firstKeyword("-- c\nselect 1 for update")).isEqualTo("SELECT");
        assertThat(StatementClassifier.firstKeyword("")).isEqualTo("?");
        assertThat(StatementClassifier.firstKeyword(";")).isEqualTo("?");
    }
}
