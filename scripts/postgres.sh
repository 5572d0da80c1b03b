#!/usr/bin/env bash
# A local PostgreSQL server for the kz_migration warehouse (development and CI).
#
#   scripts/postgres.sh start            install Debian's postgresql if missing, start the
#                                        cluster, create the roles and the database
#   scripts/postgres.sh stop             stop the cluster (does nothing when it is down)
#   scripts/postgres.sh status           print whether the server accepts connections
#   scripts/postgres.sh report           what the server is doing (every session that is not
#                                        idle, its wait and its statement) and the end of its
#                                        log: scripts/test.sh prints it when the tests fail
#   scripts/postgres.sh reset-db [NAME]  drop and re-create one database (tests use this)
#   scripts/postgres.sh discard          stop a scratch cluster (KZMIG_PG_SCRATCH=1) and
#                                        delete it with its data (scripts/test.sh, at the end)
#
# Every step is idempotent: running `start` twice changes nothing the second time.
# Must run as root (it uses apt-get and runs admin SQL as the postgres user).
#
# Roles:
#   kzmig      login, creates databases, owns the warehouse database: dbt and
#              `kzmig load` connect as kzmig.
#   bi_reader  login, read-only for BI tools: CONNECT on the database; USAGE on the
#              schemas marts and meta and SELECT on the marts and on the publication
#              record meta.publication (granted by the project's on-run-end hook,
#              macros/publish/publish_marts.sql). Nothing else: not the landing,
#              staging, intermediate, audit, reference or marts_build schemas.
#
# Settings come from the same environment variables as the dbt profile:
#   KZMIG_PG_PORT (5432), KZMIG_PG_USER (kzmig), KZMIG_PG_PASSWORD (kzmig),
#   KZMIG_PG_DATABASE (kz_migration); and KZMIG_PG_BI_PASSWORD (bi_reader).
# KZMIG_PG_CLUSTER (main) names the Debian cluster (pg_lsclusters) to create and start.
# KZMIG_PG_SCRATCH=1 makes that cluster a throwaway one for tests: it must not be `main`,
# and it runs without durability (fsync, synchronous_commit and full_page_writes off,
# wal_level minimal): a crash may corrupt it, but it writes a fraction of the I/O.
# scripts/test.sh and the tests use the cluster kzmig_test on port 5433 this way, so they
# never touch the warehouse's own cluster.
# The server listens on localhost only (Debian's default).
set -euo pipefail

PORT="${KZMIG_PG_PORT:-5432}"
OWNER="${KZMIG_PG_USER:-kzmig}"
OWNER_PASSWORD="${KZMIG_PG_PASSWORD:-kzmig}"
DATABASE="${KZMIG_PG_DATABASE:-kz_migration}"
BI_ROLE="bi_reader"
BI_PASSWORD="${KZMIG_PG_BI_PASSWORD:-bi_reader}"
CLUSTER="${KZMIG_PG_CLUSTER:-main}"
SCRATCH="${KZMIG_PG_SCRATCH:-0}"
# The settings of a scratch cluster (conf.d of the cluster; a restart applies them).
SCRATCH_CONF_NAME="kzmig-scratch.conf"
SCRATCH_CONF="# Written by scripts/postgres.sh (KZMIG_PG_SCRATCH=1): a throwaway test cluster.
# No durability: a crash of the server or the machine may lose or corrupt its data.
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
"

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

require_root() {
    [[ "$(id -u)" == 0 ]] || die "run as root (it installs packages and administers the cluster)"
}

install_server() {
    if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -n "$(installed_version)" ]]; then
        return
    fi
    log "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q postgresql
}

# The highest installed server version (e.g. 15), or nothing.
installed_version() {
    ls /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -n 1 || true
}

# "<version> <port> <status>" of our cluster, or nothing when it does not exist.
cluster_line() {
    pg_lsclusters --no-header 2>/dev/null | awk -v cluster="$CLUSTER" -v version="$1" \
        '$1 == version && $2 == cluster { print $1, $3, $4 }'
}

ensure_cluster() {
    local version="$1"
    if [[ -z "$(cluster_line "$version")" ]]; then
        log "creating cluster $version/$CLUSTER on port $PORT"
        pg_createcluster --port "$PORT" "$version" "$CLUSTER" >/dev/null
    fi
    local port
    port="$(cluster_line "$version" | awk '{ print $2 }')"
    [[ "$port" == "$PORT" ]] || die "cluster $version/$CLUSTER listens on port $port, not $PORT (set KZMIG_PG_PORT=$port)"
}

# Write (or remove) the scratch settings of the cluster; succeeds when they changed.
scratch_settings_changed() {
    local file="/etc/postgresql/$1/$CLUSTER/conf.d/$SCRATCH_CONF_NAME"
    if [[ "$SCRATCH" == 1 ]]; then
        if [[ ! -f "$file" || "$(cat "$file")" != "$(printf '%s' "$SCRATCH_CONF")" ]]; then
            printf '%s' "$SCRATCH_CONF" > "$file"
            chown postgres:postgres "$file"
            return 0
        fi
    elif [[ -f "$file" ]]; then
        rm -f "$file"
        return 0
    fi
    return 1
}

wait_ready() {
    local tries=60
    until pg_isready -q -h localhost -p "$PORT"; do
        tries=$((tries - 1))
        [[ $tries -gt 0 ]] || die "the server on port $PORT did not accept connections within 30 s"
        sleep 0.5
    done
}

# Run admin SQL as the postgres superuser (peer authentication over the socket).
admin_psql() {
    runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" "$@"
}

sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }

ensure_roles() {
    admin_psql -d postgres <<SQL
do \$\$
begin
    if not exists (select from pg_roles where rolname = $(sql_literal "$OWNER")) then
        create role "$OWNER" login createdb;
    end if;
    if not exists (select from pg_roles where rolname = $(sql_literal "$BI_ROLE")) then
        create role "$BI_ROLE" login;
    end if;
end
\$\$;
alter role "$OWNER" with login createdb password $(sql_literal "$OWNER_PASSWORD");
alter role "$BI_ROLE" with login nocreatedb nocreaterole password $(sql_literal "$BI_PASSWORD");
-- Large sorts and hashes of the coupon models stay in memory.
alter role "$OWNER" set work_mem = '256MB';
SQL
}

database_exists() {
    [[ "$(admin_psql -d postgres -tAc "select 1 from pg_database where datname = $(sql_literal "$1")")" == 1 ]]
}

# Create the database if missing and lock down who may do what in it.
ensure_database() {
    local database="$1"
    if ! database_exists "$database"; then
        log "creating database $database owned by $OWNER"
        # Text sorts by code point, as in DuckDB, whatever the cluster's locale.
        admin_psql -d postgres -c "create database \"$database\" owner \"$OWNER\" template template0 \
            encoding 'UTF8' locale_provider libc lc_collate 'C' lc_ctype 'C.UTF-8'"
    fi
    admin_psql -d "$database" <<SQL
-- Nobody connects unless allowed; the owner and the BI role are.
revoke all on database "$database" from public;
grant connect, temporary on database "$database" to "$OWNER";
grant connect on database "$database" to "$BI_ROLE";
-- The public schema is the owner's alone (PUBLIC keeps neither CREATE nor USAGE).
alter schema public owner to "$OWNER";
revoke all on schema public from public;
SQL
}

cmd_start() {
    require_root
    if [[ "$SCRATCH" == 1 && "$CLUSTER" == main ]]; then
        die "KZMIG_PG_SCRATCH=1 turns durability off: not on the cluster main (set KZMIG_PG_CLUSTER)"
    fi
    install_server
    local version
    version="$(installed_version)"
    [[ -n "$version" ]] || die "no PostgreSQL server version found under /usr/lib/postgresql"
    ensure_cluster "$version"
    local changed=0
    if scratch_settings_changed "$version"; then changed=1; fi
    if [[ "$(cluster_line "$version" | awk '{ print $3 }')" != online ]]; then
        log "starting cluster $version/$CLUSTER$([[ "$SCRATCH" == 1 ]] && echo ' (scratch: durability off)')"
        mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql
        pg_ctlcluster "$version" "$CLUSTER" start
    elif [[ "$changed" == 1 ]]; then
        log "restarting cluster $version/$CLUSTER to apply its settings"
        pg_ctlcluster "$version" "$CLUSTER" restart -m fast
    fi
    wait_ready
    ensure_roles
    ensure_database "$DATABASE"
    log "ready: postgresql://$OWNER@localhost:$PORT/$DATABASE (PostgreSQL $version)"
}

cmd_stop() {
    require_root
    local version
    version="$(installed_version)"
    if [[ -z "$version" || -z "$(cluster_line "$version")" ]]; then
        log "no cluster to stop"
        return
    fi
    if [[ "$(cluster_line "$version" | awk '{ print $3 }')" == online ]]; then
        log "stopping cluster $version/$CLUSTER"
        pg_ctlcluster "$version" "$CLUSTER" stop -m fast
    else
        log "cluster $version/$CLUSTER is already down"
    fi
}

cmd_status() {
    if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h localhost -p "$PORT"; then
        echo "PostgreSQL accepts connections on localhost:$PORT"
    else
        echo "PostgreSQL is not running on localhost:$PORT"
        return 3
    fi
}

cmd_discard() {
    require_root
    if [[ "$SCRATCH" != 1 || "$CLUSTER" == main ]]; then
        die "discard deletes a scratch cluster only (KZMIG_PG_SCRATCH=1 and a KZMIG_PG_CLUSTER other than main)"
    fi
    local version
    version="$(installed_version)"
    if [[ -z "$version" || -z "$(cluster_line "$version")" ]]; then
        log "no cluster $CLUSTER to discard"
        return
    fi
    log "discarding the scratch cluster $version/$CLUSTER and its data"
    pg_dropcluster --stop "$version" "$CLUSTER"
}

cmd_report() {
    require_root
    local version
    version="$(installed_version)"
    [[ -n "$version" && -n "$(cluster_line "$version")" ]] || { log "no cluster $CLUSTER"; return; }
    echo "postgres.sh: cluster $version/$CLUSTER: $(cluster_line "$version" | awk '{ print $3 }')"
    if pg_isready -q -h localhost -p "$PORT"; then
        echo "postgres.sh: sessions that are not idle (longest first):"
        admin_psql -d postgres -P pager=off -c "select pid, datname, usename, state,
                wait_event_type, wait_event, date_trunc('second', now() - query_start) as running_for,
                left(regexp_replace(query, '\s+', ' ', 'g'), 300) as query
            from pg_stat_activity
            where state is distinct from 'idle' and pid != pg_backend_pid() and backend_type = 'client backend'
            order by query_start" || true
    fi
    local log_file
    log_file="$(pg_lsclusters --no-header | awk -v cluster="$CLUSTER" -v version="$version" \
        '$1 == version && $2 == cluster { print $NF }')"
    if [[ -f "$log_file" ]]; then
        echo "postgres.sh: the last 40 lines of $log_file:"
        tail -n 40 "$log_file"
    fi
}

cmd_reset_db() {
    require_root
    local database="${1:-$DATABASE}"
    wait_ready
    ensure_roles
    if database_exists "$database"; then
        log "dropping database $database"
        admin_psql -d postgres -c "drop database \"$database\" with (force)"
    fi
    ensure_database "$database"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    report) cmd_report ;;
    discard) cmd_discard ;;
    reset-db) cmd_reset_db "${2:-}" ;;
    *) echo "usage: $0 start|stop|status|report|discard|reset-db [NAME]" >&2; exit 2 ;;
esac
