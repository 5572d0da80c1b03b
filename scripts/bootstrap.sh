#!/usr/bin/env bash
# Create the project's virtual environment (.venv) and install the pinned dependencies
# and the kzmig command into it. Idempotent: does nothing when already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
    echo "bootstrap: $python not found; install Python 3.11 or newer" >&2
    exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "bootstrap: $python is Python $("$python" -c 'import platform; print(platform.python_version())');" \
         "the pinned dependencies need Python 3.11 or newer (set PYTHON=python3.11)" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating .venv"
    "$python" -m venv .venv
fi
stamp=.venv/.kzmig-requirements
wanted=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "bootstrap: installing pinned dependencies into .venv (a few minutes the first time)"
    .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt
    .venv/bin/python -m pip install --disable-pip-version-check -q --no-deps -e .
    echo "$wanted" > "$stamp"
fi
