"""Where the project lives and how dbt is run. No business rules here."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

# The dbt project (dbt_project.yml, models, macros, seeds, profiles) is the checkout the
# package sits in: `pip install -e .` (scripts/bootstrap.sh). A plain `pip install .`
# installs the command line without it; KZMIG_PROJECT_DIR then names the checkout.
PROJECT_DIR = Path(os.environ.get("KZMIG_PROJECT_DIR") or Path(__file__).resolve().parent.parent).resolve()
PROFILES_DIR = PROJECT_DIR / "profiles"
DEFAULT_LANDING_DIR = PROJECT_DIR / "data" / "landing"
DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "kz_migration.duckdb"


# The landing hook's messages (macros/landing, kzmig.landing) as dbt prints them.
MALFORMED_DELIVERY_LINE = re.compile(r"^(malformed delivery |no coupon extracts: )")


class KzmigError(RuntimeError):
    """An error the user can act on; printed without a traceback."""


def require_project() -> None:
    """Refuse, with what to do, when the dbt project is not where kzmig looks for it."""
    if not (PROJECT_DIR / "dbt_project.yml").is_file():
        where = ("KZMIG_PROJECT_DIR" if os.environ.get("KZMIG_PROJECT_DIR")
                 else "the folder this kzmig is installed in")
        raise KzmigError(
            f"the dbt project of the warehouse is not at {PROJECT_DIR} ({where}; no dbt_project.yml). "
            "A plain `pip install .` installs the command line only (--help, --version): run kzmig "
            "from a checkout of the project (bash scripts/bootstrap.sh, or pip install -e . in it), "
            "or set KZMIG_PROJECT_DIR to the checkout's folder.")


def warehouse_path() -> Path:
    """The DuckDB warehouse file, as the dbt profile resolves it."""
    return Path(os.environ.get("DBT_DUCKDB_PATH", str(DEFAULT_WAREHOUSE))).resolve()


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_vars(landing_dir: str | os.PathLike | None = None, cutoff: str | None = None,
             **others: object) -> str:
    values: dict[str, object] = dict(others)
    if landing_dir is not None:
        values["landing_dir"] = str(Path(landing_dir).resolve())
    if cutoff is not None:
        values["cutoff"] = cutoff
    return json.dumps(values)


def run_dbt(args: list[str], *, target: str | None = None, quiet: bool = False) -> None:
    """Run one dbt command in the project; raise KzmigError when it fails."""
    command = [dbt_executable(), *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROFILES_DIR)]
    if target:
        command += ["--target", target]
    env = os.environ.copy()
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    if not quiet:
        print(f"kzmig: dbt {' '.join(args)}", flush=True)
    started = time.monotonic()
    warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    (warehouse_path().parent / "tmp").mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace")
    shown: list[str] = []
    held: list[str] = []  # dbt's account of an error, shown only if it is not a malformed delivery
    for line in process.stdout:
        if held or "Encountered an error" in line:
            held.append(line)
            continue
        shown.append(line)
        if not quiet:
            print(line, end="", flush=True)
    returncode = process.wait()
    if returncode != 0:
        delivery_error = next((line.strip() for line in held if MALFORMED_DELIVERY_LINE.match(line.strip())), None)
        if delivery_error is not None:
            # The landing hook's one clear message, without dbt's stack of macro calls.
            raise KzmigError(delivery_error)
        if not quiet:
            print("".join(held), end="", flush=True)
        detail = "".join(shown + held)[-4000:] if quiet else ""
        raise KzmigError(f"dbt {args[0]} failed (exit {returncode}).\n{detail}".rstrip())
    if not quiet:
        print(f"kzmig: dbt {args[0]} finished in {time.monotonic() - started:.1f} s", flush=True)
