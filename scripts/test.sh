#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: unit tests, integration tests against a real MariaDB primary
# with two replicas (which the tests start and stop themselves), the demo's tests, and a benchmark smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

bash scripts/ensure-mariadb.sh

# Unit tests (Surefire), integration tests against real servers (Failsafe); installs the library for the demo and
# the benchmarks, which depend on it.
mvn -B -ntp install | tee -a "$log"

# The demo application, on its embedded default.
mvn -B -ntp -f examples/pom.xml verify | tee -a "$log"

# Benchmarks never rot: compile them and run one very short iteration of the stub benchmarks.
bash benchmarks/run.sh --smoke

# One line for all the Maven test runs above (their per-run totals, not the per-class lines).
sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
    /Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$/ {
        gsub(/[^0-9 ]/, " "); count = split($0, n, " +");
        k = 0; for (i = 1; i <= count; i++) if (n[i] != "") v[++k] = n[i];
        run += v[1]; failed += v[2] + v[3]; skipped += v[4]; delete v
    }
    END { printf "tests: %d passed, %d failed, %d skipped\n", run - failed - skipped, failed, skipped }'
