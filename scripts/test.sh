#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: unit tests, integration tests against a real MariaDB primary
# with two replicas (which the tests start and stop themselves), the demo's tests, and a benchmark smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-mariadb.sh

# Unit tests (Surefire), integration tests against real servers (Failsafe); installs the library for the demo and
# the benchmarks, which depend on it.
mvn -B -ntp install

# The demo application, on its embedded default.
mvn -B -ntp -f examples/pom.xml verify

# Benchmarks never rot: compile them and run one very short iteration of the stub benchmarks.
bash benchmarks/run.sh --smoke
