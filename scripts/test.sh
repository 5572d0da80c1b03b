#!/usr/bin/env bash
# The whole test suite: dbt build with --warn-error on the hand-written fixtures,
# sqlfluff lint of every model, and pytest (which also builds the calibrated synthetic
# world on DuckDB and on a local PostgreSQL server). Fails if any of them fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh

# The PostgreSQL tests run on a throwaway cluster of their own (kzmig_test on port 5433,
# without durability: scripts/postgres.sh), never on the warehouse's cluster main.
export KZMIG_PG_CLUSTER="${KZMIG_PG_CLUSTER:-kzmig_test}"
export KZMIG_PG_PORT="${KZMIG_PG_PORT:-5433}"
export KZMIG_PG_SCRATCH="${KZMIG_PG_SCRATCH:-1}"

workdir=$(mktemp -d)
# The suite writes about 10 GB at its peak (the calibrated world built on DuckDB and on
# PostgreSQL, measured on a 2-core machine); a full disk makes PostgreSQL and DuckDB fail
# in ways far from the cause, so say up front how much room there is.
for folder in "$workdir" /var/lib; do
    free_gb=$(df -Pk "$folder" | awk 'NR == 2 { printf "%.1f", $4 / 1048576 }')
    echo "== free disk space for $folder: $free_gb GB"
    if awk -v free="$free_gb" 'BEGIN { exit !(free < 10) }'; then
        echo "scripts/test.sh: warning: less than 10 GB free for $folder; the suite may run out of disk" >&2
    fi
done
cleanup() {
    local status=$?
    if [ -f scripts/postgres.sh ]; then
        # a failure or an interruption: what the server was doing, before it stops
        if [ "$status" != 0 ]; then bash scripts/postgres.sh report || true; fi
        # a throwaway cluster goes with its data (several GB); the next run makes it anew
        if [ "$KZMIG_PG_SCRATCH" = 1 ]; then
            bash scripts/postgres.sh discard || true
        else
            bash scripts/postgres.sh stop || true
        fi
    fi
    rm -rf "$workdir"
}
trap cleanup EXIT

export DBT_DUCKDB_PATH="$workdir/warehouse.duckdb"
export DBT_TARGET_PATH="$workdir/target"
export DBT_LOG_PATH="$workdir/logs"
export KZMIG_DUCKDB_TEMP_DIR="$workdir/tmp"

echo "== 1/3 dbt build --warn-error (unit tests included) on tests/fixtures/landing_csv"
# --verbose: dbt's own lines in the CI log too (the log file goes with $workdir).
.venv/bin/kzmig build --warn-error --unit-tests --verbose --landing-dir tests/fixtures/landing_csv

echo "== 2/3 sqlfluff lint models"
.venv/bin/sqlfluff lint models --processes 2

echo "== 3/3 pytest"
# Headless Chromium for the release page test (installs Debian's chromium when missing).
bash scripts/chromium.sh install >/dev/null
# Headless LibreOffice for the workbook test (installs libreoffice-calc-nogui when missing).
bash scripts/libreoffice.sh install >/dev/null
unset DBT_DUCKDB_PATH DBT_TARGET_PATH DBT_LOG_PATH KZMIG_DUCKDB_TEMP_DIR
# --basetemp: every temporary folder of the tests (several GB) goes with $workdir.
.venv/bin/python -m pytest tests/python --basetemp "$workdir/pytest" "$@"
