#!/usr/bin/env bash
#
# Builds r2dbc-routing and its JMH benchmarks, starts a MariaDB primary and two replicas, runs every benchmark with
# -prof gc into a JSON file, stops the servers, and renders Markdown tables and SVG charts from the JSON.
#
#   bash benchmarks/run.sh            full run, about 20 minutes on 2 cores; writes benchmarks/results/
#   bash benchmarks/run.sh --quick    every benchmark briefly, under 5 minutes; writes benchmarks/target/results-quick/
#   bash benchmarks/run.sh --smoke    builds and runs a couple of stub benchmarks for one short iteration, no
#                                     server, under 90 seconds; writes benchmarks/target/results-smoke/
#
# Anything after -- goes to JMH as it is, for example: bash benchmarks/run.sh --quick -- 'MariaDb.*'
# The servers are started in a fresh directory under /tmp and stopped by pid when the script exits, however it exits.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
CLUSTER_SCRIPT=$ROOT/scripts/mariadb-cluster.sh
CLUSTER_DIR=""

log() {
    echo "run.sh: $*" >&2
}

die() {
    log "$*"
    exit 1
}

usage() {
    sed -n '3,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

mode=full
extra=()
system_properties=()
while (($# > 0)); do
    case $1 in
        --quick) mode=quick ;;
        --smoke) mode=smoke ;;
        --full) mode=full ;;
        -h | --help)
            usage
            exit 0
            ;;
        --)
            shift
            extra=("$@")
            break
            ;;
        *)
            usage >&2
            die "unknown argument '$1'"
            ;;
    esac
    shift
done

case $mode in
    full)
        jmh_args=(-f 3 -wi 4 -i 5 -w 1s -r 1s)
        out=$BENCH_DIR/results
        needs_servers=true
        ;;
    quick)
        jmh_args=(-f 1 -wi 2 -i 3 -w 500ms -r 500ms)
        out=$BENCH_DIR/target/results-quick
        needs_servers=true
        ;;
    smoke)
        jmh_args=(-f 1 -wi 0 -i 1 -r 200ms 'StubCreateBenchmark' 'PooledCreateBenchmark')
        out=$BENCH_DIR/target/results-smoke
        needs_servers=false
        # A smoke run checks that the benchmarks work, not how fast: another JMH run on the machine must not stop it.
        system_properties=(-Djmh.ignoreLock=true)
        ;;
esac

find_mariadbd() {
    command -v mariadbd >/dev/null 2>&1 && return 0
    local directory
    for directory in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
        [[ -x $directory/mariadbd ]] && return 0
    done
    return 1
}

command -v java >/dev/null 2>&1 || die "java not found: install a JDK 17 or later"
command -v mvn >/dev/null 2>&1 || die "mvn not found: install Maven 3.8 or later"
if [[ $needs_servers == true ]]; then
    find_mariadbd || die "mariadbd not found: the $mode run measures real MariaDB servers. Install them with" \
        "'apt-get install -y mariadb-server' (as root; or run scripts/ensure-mariadb.sh), or run" \
        "'bash benchmarks/run.sh --smoke', which needs no server."
    [[ -f $CLUSTER_SCRIPT ]] || die "$CLUSTER_SCRIPT is missing: it starts the MariaDB servers"
fi

stop_servers() {
    if [[ -n $CLUSTER_DIR ]]; then
        log "stopping the MariaDB servers in $CLUSTER_DIR"
        bash "$CLUSTER_SCRIPT" stop "$CLUSTER_DIR" || log "stopping the servers in $CLUSTER_DIR failed"
        rm -rf "$CLUSTER_DIR"
        CLUSTER_DIR=""
    fi
}
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
log "building the library (tests skipped) and the benchmarks"
(cd "$ROOT" && mvn -B -q install -Dmaven.test.skip=true)
(cd "$BENCH_DIR" && mvn -B -q package)

mkdir -p "$out" "$BENCH_DIR/target"
if [[ $needs_servers == true ]]; then
    CLUSTER_DIR=$(mktemp -d /tmp/r2dbc-bench.XXXXXX)
    log "starting a MariaDB primary and two replicas in $CLUSTER_DIR"
    status=0
    bash "$CLUSTER_SCRIPT" start "$CLUSTER_DIR" || status=$?
    if ((status == 2)); then
        die "MariaDB binaries are missing: install them with 'apt-get install -y mariadb-server' (as root)"
    elif ((status != 0)); then
        die "could not start the MariaDB servers (mariadb-cluster.sh exited with $status)"
    fi
    system_properties+=("-Dcluster.env=$CLUSTER_DIR/cluster.env")
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | xargs || true)
machine="$(nproc) cores (${cpu:-unknown CPU})"
machine+=", $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr)"
machine+=", load average at start $(cut -d' ' -f1-3 /proc/loadavg)"

log "running JMH ($mode): ${jmh_args[*]} ${extra[*]:-}"
set +e
java "${system_properties[@]}" -jar "$BENCH_DIR/target/benchmarks.jar" "${jmh_args[@]}" -foe true -prof gc \
    -rf json -rff "$out/jmh-$mode.json" "${extra[@]}" 2>&1 | tee "$BENCH_DIR/target/jmh-$mode.log"
jmh_status=${PIPESTATUS[0]}
set -e
stop_servers
((jmh_status == 0)) || die "JMH failed with exit code $jmh_status; its output is in benchmarks/target/jmh-$mode.log"

if command -v python3 >/dev/null 2>&1; then
    python3 "$BENCH_DIR/render_results.py" "$out/jmh-$mode.json" --machine "$machine" \
        --markdown "$out/results.md" --chart "$out/throughput.svg" --selection-chart "$out/selection.svg"
    log "rendered: $(cd "$out" && ls results.md throughput.svg selection.svg 2>/dev/null | xargs) in $out"
else
    log "python3 not found: skipped the tables and charts; the JSON is $out/jmh-$mode.json"
fi
log "done in $((SECONDS - started))s"
