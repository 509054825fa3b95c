#!/usr/bin/env bash
#
# Counts the machine instructions that one create() + close() executes on the calling thread, with Valgrind's
# Callgrind: a count that does not depend on what else the machine runs, where wall-clock timings on a shared
# 2-core machine vary by 10% or more. It measures instructions, not cycles: fences, cache misses and branch
# mispredictions cost time without showing here.
#
#   bash benchmarks/count-instructions.sh [--warmup-ops N] [--ops N] PATH CONTENDER [-- JVM options]
#
# PATH is stub or pool, CONTENDER one of support.CostPerOp's (direct, direct-in-router-context, alternate, router,
# router1, spring). The JVM runs with -Xbatch, so that the same program compiles the same way from run to run
# (without it, where the JIT compiler draws its lines changes the count by up to 4% between runs); -XX options after
# -- go to the JVM. The JVM runs uninstrumented while it warms up, then the calling thread's instructions are counted
# over two pairs of batches (N and 2N operations; the difference of a pair leaves out the harness's own waiting) and
# printed per operation, one number per pair. Needs valgrind (apt-get install valgrind) and
# benchmarks/target/benchmarks.jar (cd benchmarks && mvn -B -q package). A warm-up of 300000 operations through the
# pool takes a few minutes under Valgrind.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JAR=${JAR:-$BENCH_DIR/target/benchmarks.jar}

die() {
    echo "count-instructions.sh: $*" >&2
    exit 1
}

warmup_ops=""
ops=""
while (($# > 0)); do
    case $1 in
        --warmup-ops) warmup_ops=$2; shift 2 ;;
        --ops) ops=$2; shift 2 ;;
        -h | --help) sed -n '3,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) break ;;
    esac
done
(($# >= 2)) || die "usage: count-instructions.sh [--warmup-ops N] [--ops N] stub|pool CONTENDER [-- JVM options]"
path=$1
contender=$2
shift 2
jvm_options=()
if (($# > 0)); then
    [[ $1 == -- ]] || die "unexpected argument '$1'"
    shift
    jvm_options=("$@")
fi
case $path in
    stub) warmup_ops=${warmup_ops:-2000000}; ops=${ops:-50000} ;;
    pool) warmup_ops=${warmup_ops:-300000}; ops=${ops:-5000} ;;
    *) die "PATH is stub or pool, not '$path'" ;;
esac
command -v valgrind >/dev/null 2>&1 || die "valgrind not found: apt-get install -y valgrind"
command -v callgrind_control >/dev/null 2>&1 || die "callgrind_control not found (it comes with valgrind)"
[[ -f $JAR ]] || die "$JAR is missing: cd benchmarks && mvn -B -q package"

batches=4
work=$(mktemp -d /tmp/count-instructions.XXXXXX)
valgrind_pid=""
cleanup() {
    if [[ -n $valgrind_pid ]] && kill -0 "$valgrind_pid" 2>/dev/null; then
        kill "$valgrind_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# One measurement; the JVM sometimes dies under Valgrind (a signal in compiled code), so the caller retries.
measure() {
    rm -rf "$work"/*
    mkdir -p "$work/gate"
    valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes --callgrind-out-file="$work/cg.%p" \
        java -Xbatch -Xms1g -Xmx1g "${jvm_options[@]}" -cp "$JAR" io.github.r2dbcrouting.benchmarks.support.CostPerOp \
        "$path" "$contender" --warmup-seconds 0 --warmup-ops "$warmup_ops" --batch-ops "$ops" \
        --batches "$batches" --gate "$work/gate" >"$work/log" 2>&1 &
    valgrind_pid=$!
    while [[ ! -e $work/gate/ready ]]; do
        kill -0 "$valgrind_pid" 2>/dev/null || return 1
        sleep 1
    done
    callgrind_control --instr=on "$valgrind_pid" >/dev/null 2>&1
    local batch
    for ((batch = 0; batch < batches; batch++)); do
        callgrind_control --zero "$valgrind_pid" >/dev/null 2>&1
        touch "$work/gate/go-$batch"
        while [[ ! -e $work/gate/done-$batch ]]; do
            kill -0 "$valgrind_pid" 2>/dev/null || return 1
            sleep 0.2
        done
        callgrind_control --dump="batch$batch" "$valgrind_pid" >/dev/null 2>&1
    done
    callgrind_control --instr=off "$valgrind_pid" >/dev/null 2>&1
    wait "$valgrind_pid" || return 1
    valgrind_pid=""
    # Each dump writes one file per thread; the calling thread's is the one that executed the most. Batches of N and
    # 2N operations alternate: the difference of a pair, divided by N, leaves out what waiting at the gate costs.
    local totals=() counts=()
    for ((batch = 0; batch < batches; batch++)); do
        totals+=("$(grep -l "^desc: Trigger: dump batch$batch\$" "$work"/cg.* | xargs grep -h '^summary:' \
            | awk '{print $2}' | sort -n | tail -1)")
    done
    for ((batch = 0; batch < batches; batch += 2)); do
        counts+=("$(awk -v a="${totals[batch]}" -v b="${totals[batch + 1]}" -v o="$ops" \
            'BEGIN {printf "%.0f", (b - a) / o}')")
    done
    echo "$path $contender ${jvm_options[*]}: instructions per operation on the calling thread: ${counts[*]}"
}

for attempt in 1 2 3; do
    if measure; then
        exit 0
    fi
    echo "count-instructions.sh: the JVM under Valgrind failed (attempt $attempt); its output ends with:" >&2
    tail -5 "$work/log" >&2 || true
done
die "three attempts failed"
