#!/usr/bin/env bash
#
# Runs the demo application in examples/: installs the library, then starts the notes service on port 8080 (or
# $DEMO_PORT) and prints the curl commands to try. Stop it with Ctrl-C.
#
#   scripts/demo.sh            three in-memory H2 databases: runs anywhere with Java 17 and Maven
#   scripts/demo.sh --mariadb  a real MariaDB primary and two replicas, started in a temporary directory with
#                              scripts/mariadb-cluster.sh and stopped when the demo exits (needs mariadbd)
set -euo pipefail

readonly ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly PORT=${DEMO_PORT:-8080}

usage() {
    sed -n '3,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

log() {
    echo "demo: $*" >&2
}

print_curls() {
    local url="http://localhost:$PORT"
    cat <<EOF_CURLS

Once the application has started, try (each response names its server in X-Served-By):

  curl -i $url/notes                          # GET: a replica
  curl -i -X POST -H 'Content-Type: application/json' \\
       -d '{"text":"hello"}' $url/notes       # POST: the primary
  curl -i $url/notes/1/fresh                  # GET with @UsePrimary: the primary
  curl -i $url/notes/stats                    # @Transactional(readOnly = true): a replica

EOF_CURLS
}

main() {
    local mode=h2
    while (($#)); do
        case $1 in
            --mariadb) mode=mariadb ;;
            -h | --help) usage; exit 0 ;;
            *) log "unknown argument: $1"; usage >&2; exit 64 ;;
        esac
        shift
    done

    cd "$ROOT"
    log "installing the library (mvn -B -q install -DskipTests)"
    mvn -B -q install -DskipTests

    local run_arguments=(-Dspring-boot.run.arguments="--server.port=$PORT")
    if [[ $mode == mariadb ]]; then
        local cluster
        cluster=$(mktemp -d /tmp/r2dbc-routing-demo-XXXXXX)
        # Stop exactly the servers this script started, by the pids the cluster script recorded.
        trap "bash '$ROOT/scripts/mariadb-cluster.sh' stop '$cluster' >/dev/null 2>&1 || true; rm -rf '$cluster'" EXIT
        log "starting a MariaDB primary and two replicas in $cluster"
        bash scripts/mariadb-cluster.sh start "$cluster"
        set -a
        # shellcheck disable=SC1091
        . "$cluster/cluster.env"
        set +a
        run_arguments+=(-Dspring-boot.run.profiles=mariadb)
    fi

    print_curls
    log "starting the demo ($mode) on port $PORT"
    mvn -B -q -f examples/pom.xml spring-boot:run "${run_arguments[@]}"
}

main "$@"
