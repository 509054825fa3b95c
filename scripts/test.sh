#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: unit tests, then integration tests against a real MariaDB
# primary with two replicas, which the tests start and stop themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-mariadb.sh

# Unit tests (Surefire), integration tests against real servers (Failsafe); installs the library for the
# benchmarks and the demo, which depend on it.
mvn -B -ntp install
