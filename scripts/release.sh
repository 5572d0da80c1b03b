#!/usr/bin/env bash
# The main job, end to end: install what is needed, generate the synthetic world into
# the landing folder if it does not exist or is empty (kzmig run refuses a folder holding
# anything but deliveries), build the warehouse on DuckDB and export the latest release.
# Pass kzmig run options through, e.g. --landing-dir DIR or --synthetic.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
.venv/bin/kzmig run "$@"
