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
    # pip shows what it collects and installs, so a first install of several minutes is not silent.
    echo "bootstrap: installing the pinned dependencies of requirements.txt into .venv (a few minutes the first time)"
    .venv/bin/python -m pip install --disable-pip-version-check -r requirements.txt
    echo "bootstrap: installing the kzmig command into .venv (editable)"
    .venv/bin/python -m pip install --disable-pip-version-check --no-deps -e .
    echo "$wanted" > "$stamp"
    echo "bootstrap: .venv is ready"
else
    echo "bootstrap: .venv is up to date with requirements.txt"
fi
