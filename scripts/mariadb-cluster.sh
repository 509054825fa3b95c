#!/usr/bin/env bash
#
# A real MariaDB test bed: one primary and two replicas with GTID replication, on loopback ports, in a
# directory of your choice. Used by the integration tests, the demo and the benchmarks.
#
# Layout of DIR:
#   cluster.env            PRIMARY_PORT=..., REPLICA1_PID=..., DATABASE=app, ... (shell KEY=value lines)
#   <name>/data/           the server's data directory (name: primary, replica-1, replica-2)
#   <name>/error.log       the server's error log
#   <name>/mysqld.sock     socket for root, who can only log in through it
#   <name>/tmp/            the server's tmpdir: every mariadbd deletes the #sql* files in its tmpdir when it
#                          starts, so servers must not share one (nor use /tmp, which the system server may use)
#   <name>/port, <name>/pid
#
# Only the pids recorded in DIR/<name>/pid are ever signalled, and only while they still run a mariadbd on
# that data directory.
set -euo pipefail

readonly SERVERS=(primary replica-1 replica-2)
readonly DATABASE=app
readonly APP_USER=app
readonly APP_PASSWORD=app-secret
readonly ADMIN_USER=admin
readonly ADMIN_PASSWORD=admin-secret
readonly REPL_USER=repl
readonly REPL_PASSWORD=repl-secret
readonly START_TIMEOUT_SECONDS=60
readonly STOP_TIMEOUT_SECONDS=30
readonly KILL_TIMEOUT_SECONDS=10
readonly REPLICATION_TIMEOUT_SECONDS=30
readonly PORT_ATTEMPTS=3
readonly INSTALL_HINT="install them with 'apt-get install -y mariadb-server' (as root),\
 or run scripts/ensure-mariadb.sh"

usage() {
    cat <<EOF
Usage: $(basename "$0") COMMAND DIR [ARGS]

Commands:
  start DIR [PRIMARY_PORT REPLICA1_PORT REPLICA2_PORT]
        Create a primary and two GTID replicas in DIR (which must not hold a cluster yet), start them on the
        given loopback ports (free ports when omitted), wait until both replicas caught up, and write
        DIR/cluster.env. On failure, stops whatever it started.
  stop DIR
        Stop every server recorded in DIR (TERM, then KILL after ${STOP_TIMEOUT_SECONDS}s). Safe to call twice.
  start-server DIR NAME
        Start one stopped or killed server again, with the same port and data; a replica resumes replication.
  kill-server DIR NAME
        SIGKILL one server, as a crash would.
  pause-server DIR NAME
        SIGSTOP one server: it accepts nothing and refuses nothing, as a hung disk or a partition looks.
  resume-server DIR NAME
        SIGCONT a paused server.

NAME is one of: ${SERVERS[*]}.
Requires mariadbd, mariadb-install-db and mariadb; ${INSTALL_HINT}.
Exit status: 0 on success, 1 on failure, 2 when the MariaDB binaries are missing, 64 on bad usage.
EOF
}

log() {
    echo "mariadb-cluster: $*" >&2
}

die() {
    log "$*"
    exit 1
}

usage_error() {
    log "$*"
    usage >&2
    exit 64
}

# Prints the path of a MariaDB binary, looking in PATH and then in the usual sbin/bin directories.
find_binary() {
    local name=$1 candidate
    if candidate=$(command -v "$name" 2>/dev/null); then
        echo "$candidate"
        return 0
    fi
    for candidate in "/usr/sbin/$name" "/usr/bin/$name" "/usr/local/sbin/$name" "/usr/local/bin/$name"; do
        if [[ -x $candidate ]]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

require_binaries() {
    local missing=() name
    for name in mariadbd mariadb-install-db mariadb; do
        find_binary "$name" >/dev/null || missing+=("$name")
    done
    if ((${#missing[@]} > 0)); then
        log "MariaDB binaries not found: ${missing[*]} (looked in PATH, /usr/sbin, /usr/bin, /usr/local/sbin," \
            "/usr/local/bin); ${INSTALL_HINT}"
        exit 2
    fi
    MARIADBD=$(find_binary mariadbd)
    INSTALL_DB=$(find_binary mariadb-install-db)
    CLIENT=$(find_binary mariadb)
}

server_id() {
    case $1 in
        primary) echo 1 ;;
        replica-1) echo 2 ;;
        replica-2) echo 3 ;;
        *) usage_error "unknown server '$1': expected one of ${SERVERS[*]}" ;;
    esac
}

env_prefix() {
    case $1 in
        primary) echo PRIMARY ;;
        replica-1) echo REPLICA1 ;;
        replica-2) echo REPLICA2 ;;
    esac
}

absolute_dir() {
    (cd "$1" && pwd)
}

# --- processes -------------------------------------------------------------------------------------------

# Succeeds if PID is alive and is the mariadbd of DIR/NAME (guards against a recycled pid).
is_our_server() {
    local pid=$1 home=$2 command_line
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r /proc/$pid/cmdline ]]; then
        command_line=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    else
        command_line=$(ps -o args= -p "$pid" 2>/dev/null) || return 1
    fi
    [[ $command_line == *mariadbd* && $command_line == *"--datadir=$home/data"* ]]
}

# Prints the recorded pid of a server if it is running, or nothing.
running_pid() {
    local home=$1 pid
    [[ -f $home/pid ]] || return 0
    pid=$(<"$home/pid")
    if [[ -n $pid ]] && is_our_server "$pid" "$home"; then
        echo "$pid"
    fi
}

# Waits until none of the given pids is alive, for at most SECONDS; succeeds if all are gone.
await_exit() {
    local seconds=$1
    shift
    local deadline=$((SECONDS + seconds)) pid alive
    while :; do
        alive=0
        for pid in "$@"; do
            if kill -0 "$pid" 2>/dev/null; then
                alive=1
            fi
        done
        ((alive == 0)) && return 0
        ((SECONDS >= deadline)) && return 1
        sleep 0.1
    done
}

print_error_log() {
    local home=$1
    if [[ -f $home/error.log ]]; then
        log "last lines of $home/error.log:"
        tail -n 30 "$home/error.log" >&2
    fi
}

# --- SQL as root, through the socket ---------------------------------------------------------------------

# Runs SQL read from stdin (so that passwords never appear in a process list) as root on one server.
root_sql() {
    local home=$1
    "$CLIENT" --no-defaults --protocol=socket --socket="$home/mysqld.sock" --user=root \
        --batch --skip-column-names --connect-timeout=5
}

root_query() {
    local home=$1 sql=$2
    root_sql "$home" <<<"$sql"
}

# --- one server ------------------------------------------------------------------------------------------

install_server() {
    local home=$1
    mkdir -p "$home/tmp"
    local args=(--no-defaults --datadir="$home/data" --tmpdir="$home/tmp" --auth-root-authentication-method=normal
        --skip-test-db --skip-name-resolve --innodb-log-file-size=16M --innodb-buffer-pool-size=32M)
    if ((EUID == 0)); then
        args+=(--user=root)
    fi
    if ! "$INSTALL_DB" "${args[@]}" >"$home/install.log" 2>&1; then
        log "mariadb-install-db failed for $home/data:"
        tail -n 30 "$home/install.log" >&2
        return 1
    fi
}

# Starts the mariadbd of DIR/NAME in the background on the port in DIR/NAME/port and records its pid.
launch_server() {
    local home=$1 name=$2
    local port
    port=$(<"$home/port")
    local args=(--no-defaults
        --datadir="$home/data"
        --tmpdir="$home/tmp"
        --port="$port"
        --bind-address=127.0.0.1
        --socket="$home/mysqld.sock"
        --pid-file="$home/mysqld.pid"
        --log-error="$home/error.log"
        --server-id="$(server_id "$name")"
        --log-bin=mysql-bin
        --relay-log=relay-bin
        --log-slave-updates
        --gtid-strict-mode=1
        --binlog-format=ROW
        --default-time-zone=+00:00
        --character-set-server=utf8mb4
        --collation-server=utf8mb4_unicode_ci
        --skip-name-resolve
        --innodb-buffer-pool-size=32M
        --innodb-log-file-size=16M
        --innodb-flush-log-at-trx-commit=2
        --sync-binlog=0
        --performance-schema=OFF
        --max-connections=200)
    if ((EUID == 0)); then
        args+=(--user=root)
    fi
    if [[ $name != primary ]]; then
        args+=(--read-only=1)
    fi
    # A simple command in the background: bash execs mariadbd in the forked child, so $! is mariadbd itself.
    "$MARIADBD" "${args[@]}" </dev/null >>"$home/stdout.log" 2>&1 &
    echo "$!" >"$home/pid"
}

# Waits until the server of DIR/NAME accepts connections; fails early if its process dies.
await_ready() {
    local home=$1 name=$2
    local pid deadline=$((SECONDS + START_TIMEOUT_SECONDS))
    pid=$(<"$home/pid")
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "$name (pid $pid) exited during startup"
            return 1
        fi
        if root_query "$home" "SELECT 1" >/dev/null 2>&1; then
            break
        fi
        if ((SECONDS >= deadline)); then
            log "$name (pid $pid) did not accept connections on $home/mysqld.sock within ${START_TIMEOUT_SECONDS}s"
            return 1
        fi
        sleep 0.1
    done
    # Trust the server's own pid file over $! should the two ever differ.
    local own_pid
    own_pid=$(cat "$home/mysqld.pid" 2>/dev/null || true)
    if [[ -n $own_pid && $own_pid != "$pid" ]]; then
        echo "$own_pid" >"$home/pid"
    fi
}

address_in_use() {
    local home=$1
    tail -n 20 "$home/error.log" 2>/dev/null | grep -q -e 'Address already in use' -e 'Bind on TCP/IP port'
}

port_taken() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a port in 20000-31999 (below the usual ephemeral range) that nothing listens on and that is not in
# DIR/*/port yet. Another process may still take it before mariadbd binds it; start retries in that case.
pick_port() {
    local dir=$1 port attempt
    for attempt in $(seq 1 200); do
        port=$((20000 + RANDOM % 12000))
        if grep -qx "$port" "$dir"/*/port 2>/dev/null || port_taken "$port"; then
            continue
        fi
        echo "$port"
        return 0
    done
    log "found no free loopback port in 20000-31999 after 200 tries"
    return 1
}

# Removes every way to log in as root except through the socket. Not written to the binlog: each server
# does it for itself, before anything replicates.
restrict_root_to_socket() {
    local home=$1
    root_sql "$home" <<'SQL'
SET SESSION sql_log_bin = 0;
DELETE FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost';
DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost';
FLUSH PRIVILEGES;
SQL
}

write_env() {
    local dir=$1 name prefix port pid
    {
        for name in "${SERVERS[@]}"; do
            prefix=$(env_prefix "$name")
            port=$(cat "$dir/$name/port" 2>/dev/null || true)
            echo "${prefix}_PORT=$port"
        done
        for name in "${SERVERS[@]}"; do
            prefix=$(env_prefix "$name")
            pid=$(running_pid "$dir/$name")
            echo "${prefix}_PID=$pid"
        done
        echo "DATABASE=$DATABASE"
        echo "USERNAME=$APP_USER"
        echo "PASSWORD=$APP_PASSWORD"
        echo "ADMIN_USERNAME=$ADMIN_USER"
        echo "ADMIN_PASSWORD=$ADMIN_PASSWORD"
    } >"$dir/cluster.env.tmp"
    mv "$dir/cluster.env.tmp" "$dir/cluster.env"
}

# --- commands --------------------------------------------------------------------------------------------

stop_cluster() {
    local dir=$1 name home pid pids=() names=()
    [[ -d $dir ]] || return 0
    for name in "${SERVERS[@]}"; do
        home="$dir/$name"
        pid=$(running_pid "$home")
        if [[ -n $pid ]]; then
            # A paused server cannot act on SIGTERM.
            kill -CONT "$pid" 2>/dev/null || true
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
            names+=("$name")
        fi
    done
    if ((${#pids[@]} > 0)) && ! await_exit "$STOP_TIMEOUT_SECONDS" "${pids[@]}"; then
        log "servers still running ${STOP_TIMEOUT_SECONDS}s after SIGTERM; sending SIGKILL"
        for pid in "${pids[@]}"; do
            kill -KILL "$pid" 2>/dev/null || true
        done
        await_exit "$KILL_TIMEOUT_SECONDS" "${pids[@]}" || die "servers did not exit after SIGKILL: pids ${pids[*]}"
    fi
    for name in "${SERVERS[@]}"; do
        rm -f "$dir/$name/pid"
    done
    if [[ -f $dir/cluster.env ]]; then
        write_env "$dir"
    fi
    if ((${#names[@]} > 0)); then
        log "stopped ${names[*]} in $dir"
    fi
}

# Launches every server and waits for all of them; when ports were picked here, a server whose port was taken
# in the meantime is retried on another one.
launch_all() {
    local dir=$1 pick_ports=$2 name home attempt
    for name in "${SERVERS[@]}"; do
        launch_server "$dir/$name" "$name"
    done
    for name in "${SERVERS[@]}"; do
        home="$dir/$name"
        attempt=1
        until await_ready "$home" "$name"; do
            if [[ $pick_ports == true ]] && ((attempt < PORT_ATTEMPTS)) && address_in_use "$home"; then
                attempt=$((attempt + 1))
                log "port $(<"$home/port") of $name was taken meanwhile; retrying on another port"
                pick_port "$dir" >"$home/port.new"
                mv "$home/port.new" "$home/port"
                : >"$home/error.log"
                launch_server "$home" "$name"
            else
                print_error_log "$home"
                return 1
            fi
        done
    done
}

setup_primary() {
    local home=$1
    root_sql "$home" <<SQL
CREATE DATABASE $DATABASE CHARACTER SET utf8mb4;
CREATE USER '$APP_USER'@'%' IDENTIFIED BY '$APP_PASSWORD';
GRANT ALL PRIVILEGES ON $DATABASE.* TO '$APP_USER'@'%';
-- Lets the router's replication monitor read SHOW REPLICA STATUS; it does not bypass read_only.
GRANT SLAVE MONITOR ON *.* TO '$APP_USER'@'%';
CREATE USER '$REPL_USER'@'%' IDENTIFIED BY '$REPL_PASSWORD';
GRANT REPLICATION SLAVE ON *.* TO '$REPL_USER'@'%';
CREATE USER '$ADMIN_USER'@'%' IDENTIFIED BY '$ADMIN_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$ADMIN_USER'@'%' WITH GRANT OPTION;
SQL
}

setup_replica() {
    local home=$1 primary_port=$2
    root_sql "$home" <<SQL
CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $primary_port, MASTER_USER = '$REPL_USER',
    MASTER_PASSWORD = '$REPL_PASSWORD', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1;
START SLAVE;
SQL
}

replica_status() {
    local home=$1
    root_query "$home" "SHOW SLAVE STATUS\G" 2>&1 |
        grep -E 'Slave_IO_Running|Slave_SQL_Running:|Last_IO_Error|Last_SQL_Error|Gtid_IO_Pos' >&2 || true
}

await_replica() {
    local home=$1 name=$2 position=$3 result
    result=$(root_query "$home" "SELECT MASTER_GTID_WAIT('$position', $REPLICATION_TIMEOUT_SECONDS)") || {
        log "could not ask $name for its replication position"
        return 1
    }
    if [[ $result != 0 ]]; then
        log "$name did not apply the primary's GTID position '$position' within ${REPLICATION_TIMEOUT_SECONDS}s" \
            "(MASTER_GTID_WAIT returned $result); its replication status:"
        replica_status "$home"
        print_error_log "$home"
        return 1
    fi
}

STARTING_DIR=""

stop_after_failed_start() {
    local status=$?
    if ((status != 0)) && [[ -n $STARTING_DIR ]]; then
        log "start failed; stopping the servers it started"
        stop_cluster "$STARTING_DIR" || true
    fi
    exit "$status"
}

start_cluster() {
    local dir=$1
    shift
    local ports=("$@") pick_ports=false name home i
    if ((${#ports[@]} == 0)); then
        pick_ports=true
    elif ((${#ports[@]} != 3)); then
        usage_error "start takes either no ports or exactly three (primary, replica 1, replica 2)"
    fi
    for i in "${!ports[@]}"; do
        [[ ${ports[$i]} =~ ^[0-9]+$ ]] && ((ports[i] > 0 && ports[i] < 65536)) ||
            usage_error "not a port: '${ports[$i]}'"
    done
    mkdir -p "$dir"
    dir=$(absolute_dir "$dir")
    for name in "${SERVERS[@]}"; do
        [[ ! -e $dir/$name ]] ||
            die "$dir already holds a cluster ($dir/$name exists); stop it and use an empty directory"
    done
    local socket="$dir/replica-2/mysqld.sock"
    ((${#socket} <= 100)) || die "$dir is too long for a Unix socket path (${#socket} > 100 characters);" \
        "use a shorter directory"

    STARTING_DIR=$dir
    trap stop_after_failed_start EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    local started=$SECONDS
    for i in "${!SERVERS[@]}"; do
        home="$dir/${SERVERS[$i]}"
        mkdir -p "$home"
        if [[ $pick_ports == true ]]; then
            pick_port "$dir" >"$home/port.new"
            mv "$home/port.new" "$home/port"
        else
            echo "${ports[$i]}" >"$home/port"
        fi
    done

    # mariadb-install-db takes about half a second per server: run the three side by side.
    local install_pids=() failed=0
    for name in "${SERVERS[@]}"; do
        install_server "$dir/$name" &
        install_pids+=("$!")
    done
    for i in "${!install_pids[@]}"; do
        wait "${install_pids[$i]}" || failed=1
    done
    ((failed == 0)) || die "could not create the data directories in $dir"

    launch_all "$dir" "$pick_ports" || die "could not start the servers in $dir"
    for name in "${SERVERS[@]}"; do
        restrict_root_to_socket "$dir/$name" || die "could not restrict root to the socket on $name"
    done

    setup_primary "$dir/primary" || die "could not create the database and users on the primary"
    local primary_port position
    primary_port=$(<"$dir/primary/port")
    for name in replica-1 replica-2; do
        setup_replica "$dir/$name" "$primary_port" || die "could not start replication on $name"
    done
    position=$(root_query "$dir/primary" "SELECT @@gtid_binlog_pos") ||
        die "could not read the primary's GTID position"
    for name in replica-1 replica-2; do
        await_replica "$dir/$name" "$name" "$position" || die "replication to $name is not working"
    done

    write_env "$dir"
    STARTING_DIR=""
    trap - EXIT INT TERM

    echo "MariaDB cluster started in $dir in $((SECONDS - started))s (GTID position $position):"
    for name in "${SERVERS[@]}"; do
        home="$dir/$name"
        local role="read-write"
        [[ $name == primary ]] || role="read_only, replicating from primary"
        printf '  %-9s  127.0.0.1:%-5s  server_id=%s  pid=%-7s  %s\n' \
            "$name" "$(<"$home/port")" "$(server_id "$name")" "$(<"$home/pid")" "$role"
    done
    echo "  database '$DATABASE', user '$APP_USER', admin '$ADMIN_USER'; all settings in $dir/cluster.env"
}

server_home() {
    local dir=$1 name=$2
    server_id "$name" >/dev/null
    [[ -d $dir/$name/data ]] || die "$dir/$name/data does not exist: start the cluster in $dir first"
    echo "$dir/$name"
}

start_server() {
    local dir=$1 name=$2 home pid
    dir=$(absolute_dir "$dir") || die "no such directory: $1"
    home=$(server_home "$dir" "$name")
    pid=$(running_pid "$home")
    [[ -z $pid ]] || die "$name is already running (pid $pid)"
    launch_server "$home" "$name"
    if ! await_ready "$home" "$name"; then
        print_error_log "$home"
        pid=$(running_pid "$home")
        if [[ -n $pid ]]; then
            kill -KILL "$pid" 2>/dev/null || true
            await_exit "$KILL_TIMEOUT_SECONDS" "$pid" || true
        fi
        rm -f "$home/pid"
        write_env "$dir"
        die "could not start $name"
    fi
    write_env "$dir"
    echo "$name started on 127.0.0.1:$(<"$home/port") (server_id=$(server_id "$name"), pid=$(<"$home/pid"))"
}

kill_server() {
    local dir=$1 name=$2 home pid
    dir=$(absolute_dir "$dir") || die "no such directory: $1"
    home=$(server_home "$dir" "$name")
    pid=$(running_pid "$home")
    if [[ -z $pid ]]; then
        log "$name is not running; nothing to kill"
        rm -f "$home/pid"
        write_env "$dir"
        return 0
    fi
    kill -KILL "$pid"
    await_exit "$KILL_TIMEOUT_SECONDS" "$pid" ||
        die "$name (pid $pid) still runs ${KILL_TIMEOUT_SECONDS}s after SIGKILL"
    rm -f "$home/pid"
    write_env "$dir"
    echo "$name killed (pid $pid)"
}

# Sends SIGNAL (STOP or CONT) to the recorded, still running mariadbd of DIR/NAME.
signal_server() {
    local dir=$1 name=$2 signal=$3 home pid
    dir=$(absolute_dir "$dir") || die "no such directory: $1"
    home=$(server_home "$dir" "$name")
    pid=$(running_pid "$home")
    [[ -n $pid ]] || die "$name is not running"
    kill "-$signal" "$pid"
    echo "$name sent SIG$signal (pid $pid)"
}

main() {
    (($# >= 1)) || usage_error "missing command"
    local command=$1
    shift
    case $command in
        -h | --help | help)
            usage
            return 0
            ;;
    esac
    (($# >= 1)) || usage_error "missing DIR"
    case $command in
        start)
            require_binaries
            start_cluster "$@"
            ;;
        stop)
            (($# == 1)) || usage_error "stop takes exactly one argument: DIR"
            if [[ -d $1 ]]; then
                stop_cluster "$(absolute_dir "$1")"
            fi
            ;;
        start-server)
            (($# == 2)) || usage_error "start-server takes DIR and NAME"
            require_binaries
            start_server "$@"
            ;;
        kill-server)
            (($# == 2)) || usage_error "kill-server takes DIR and NAME"
            kill_server "$@"
            ;;
        pause-server)
            (($# == 2)) || usage_error "pause-server takes DIR and NAME"
            signal_server "$@" STOP
            ;;
        resume-server)
            (($# == 2)) || usage_error "resume-server takes DIR and NAME"
            signal_server "$@" CONT
            ;;
        *)
            usage_error "unknown command '$command'"
            ;;
    esac
}

main "$@"
