#!/usr/bin/env bash
#
# Makes sure the MariaDB server binaries that scripts/mariadb-cluster.sh needs are installed: mariadbd,
# mariadb-install-db and the mariadb client. Installs them with apt-get when run as root on Debian or Ubuntu;
# otherwise prints the command to run.
#
# Exit status: 0 when the binaries are there (already, or after installing them), 1 otherwise.
set -euo pipefail

readonly BINARIES=(mariadbd mariadb-install-db mariadb)
readonly PACKAGES=(mariadb-server mariadb-client)

log() {
    echo "ensure-mariadb: $*" >&2
}

has_binary() {
    local name=$1 directory
    command -v "$name" >/dev/null 2>&1 && return 0
    for directory in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
        [[ -x $directory/$name ]] && return 0
    done
    return 1
}

missing_binaries() {
    local name
    for name in "${BINARIES[@]}"; do
        has_binary "$name" || echo "$name"
    done
}

# The package's own service is of no use to the test bed, and in a container without an init system it
# cannot start: a policy-rc.d that denies every start keeps its failure from failing the installation.
install_with_apt() {
    local policy=/usr/sbin/policy-rc.d created_policy=false
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        created_policy=true
        trap 'rm -f "$policy"' EXIT
    fi
    local status=0
    apt-get update || status=$?
    if ((status == 0)); then
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${PACKAGES[@]}" || status=$?
    fi
    if [[ $created_policy == true ]]; then
        rm -f "$policy"
        trap - EXIT
    fi
    if ((status != 0)); then
        log "apt-get exited with status $status; checking whether the binaries got installed anyway"
    fi
}

main() {
    local missing
    missing=$(missing_binaries)
    if [[ -z $missing ]]; then
        exit 0
    fi
    log "missing: $(echo "$missing" | tr '\n' ' ')"
    if ((EUID == 0)) && command -v apt-get >/dev/null 2>&1; then
        log "installing ${PACKAGES[*]} with apt-get"
        install_with_apt
        missing=$(missing_binaries)
        if [[ -z $missing ]]; then
            log "MariaDB binaries installed"
            exit 0
        fi
        log "still missing after apt-get: $(echo "$missing" | tr '\n' ' ')"
        exit 1
    fi
    log "run as root: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${PACKAGES[*]}"
    log "(or with sudo; on other systems install a MariaDB 10.6+ server that provides ${BINARIES[*]})"
    exit 1
}

main "$@"
