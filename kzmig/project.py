"""Where the project lives and how dbt is run. No business rules here."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from kzmig.progress import BuildDisplay, DbtRun

# The dbt project (dbt_project.yml, models, macros, seeds, profiles) is the checkout the
# package sits in: `pip install -e .` (scripts/bootstrap.sh). A plain `pip install .`
# installs the command line without it; KZMIG_PROJECT_DIR then names the checkout.
PROJECT_DIR = Path(os.environ.get("KZMIG_PROJECT_DIR") or Path(__file__).resolve().parent.parent).resolve()
PROFILES_DIR = PROJECT_DIR / "profiles"
DEFAULT_LANDING_DIR = PROJECT_DIR / "data" / "landing"
DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "kz_migration.duckdb"
# DuckDB's memory_limit of the warehouse when KZMIG_DUCKDB_MEMORY_LIMIT is not set (the
# default in profiles/profiles.yml is meant to be this value); `kzmig bench` runs its floor
# with it too, so that both are measured at the product's default.
DEFAULT_DUCKDB_MEMORY_LIMIT = "4GB"


# The landing hook's messages (macros/landing, kzmig.landing) as dbt prints them.
MALFORMED_DELIVERY_LINE = re.compile(r"^(malformed delivery |malformed synthetic manifest |no coupon extracts: )")


class KzmigError(RuntimeError):
    """An error the user can act on; printed without a traceback.

    `log_path`, when set, is the log file that holds the whole story (printed after the message).
    """

    def __init__(self, message: str, *, log_path: Path | None = None) -> None:
        super().__init__(message)
        self.log_path = log_path


def os_error_message(error: OSError) -> str:
    """One line for an operating-system error: what failed and the path(s) it names."""
    reason = error.strerror or str(error) or type(error).__name__
    paths = [str(name) for name in (error.filename, error.filename2) if name is not None]
    if not paths:
        return reason
    return f"{reason}: {paths[0]}" + (f" -> {paths[1]}" if len(paths) > 1 else "")


@contextlib.contextmanager
def naming_path(path: str | os.PathLike) -> Iterator[None]:
    """An operating-system error without a path of its own (a write that hits a full disk or
    a file-size limit names no file) raised in the block names `path`: kzmig.cli prints
    every OSError as one line with its path."""
    try:
        yield
    except OSError as error:
        if error.filename is None and not isinstance(error, BrokenPipeError):
            raise OSError(error.errno, error.strerror or str(error), str(path)) from error
        raise


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


CUTOFF_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


def cutoff_argument(text: str) -> str:
    """A --cutoff as dbt's var('cutoff') takes it (macro coupon_cutoff_at): a real moment
    written YYYY-MM-DDTHH:MM:SS (or with a space); checked on the command line, before
    anything runs. Returned as written."""
    import argparse
    import datetime as dt

    value = text.strip()
    for layout in CUTOFF_FORMATS:
        try:
            dt.datetime.strptime(value, layout)
        except ValueError:
            continue
        if len(value) == 19:  # strptime accepts single digits; the macro does not
            return value
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a cut-off: write a real date and time as YYYY-MM-DDTHH:MM:SS, "
        "e.g. 2024-01-31T23:59:59")


def log_dir() -> Path:
    """dbt's log folder (DBT_LOG_PATH, else logs/ in the project), where kzmig's logs go too."""
    return Path(os.environ.get("DBT_LOG_PATH") or PROJECT_DIR / "logs").resolve()


def duckdb_temp_dir() -> Path:
    """DuckDB's spill folder as the profile resolves it (dbt runs in the project folder)."""
    return (PROJECT_DIR / os.environ.get("KZMIG_DUCKDB_TEMP_DIR", "warehouse/tmp")).resolve()


def dbt_command_name(args: list[str]) -> str:
    return next((arg for arg in args if not arg.startswith("-")), "dbt")


def run_dbt(args: list[str], *, target: str | None = None, quiet: bool = False, verbose: bool = False,
            display: BuildDisplay | None = None) -> DbtRun:
    """Run one dbt command in the project; raise KzmigError when it fails.

    dbt writes JSON events (--log-format json); they drive the step on `display` (nodes
    done of the total) and are written, as text, into its log file; with `verbose` dbt's
    lines are shown too. Without a display, one is made for this command alone, with the
    log file <log dir>/kzmig-dbt.log. Returns what dbt reported (kzmig.progress.DbtRun).
    """
    from kzmig.progress import BuildDisplay

    if display is None:
        with BuildDisplay(log_dir() / "kzmig-dbt.log", quiet=quiet, verbose=verbose) as own:
            return run_dbt(args, target=target, display=own)
    command = [dbt_executable(), *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROFILES_DIR)]
    if target:
        command += ["--target", target]
    # Structured events on stdout; colours only where dbt's lines reach a terminal.
    command += ["--log-format", "json", "--use-colors" if display.dbt_colors else "--no-use-colors"]
    env = os.environ.copy()
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    if (target or env.get("DBT_TARGET", "duckdb")) == "duckdb":
        duckdb_temp_dir().mkdir(parents=True, exist_ok=True)
    return _run_dbt_process(command, args, env, display)


def _run_dbt_process(command: list[str], args: list[str], env: dict, display: BuildDisplay) -> DbtRun:
    from kzmig.process import Child
    from kzmig.progress import DbtRun

    name = dbt_command_name(args)
    run = DbtRun(command=name)
    display.runs.append(run)
    display.log("$ " + shlex.join(["dbt", *command[1:]]))
    started = time.monotonic()
    with display.step(f"dbt {name}") as step:
        # dbt in a session of its own, stopped as a whole by kzmig (kzmig.process): a stop
        # signal reaches every dbt process, kzmig waits for them, then raises Stopped.
        child = Child(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE,
                      stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace")
        try:
            for line in child.process.stdout:
                display.dbt_line(run.read(line))
                step.update(run.done, run.total, run.current)
        finally:
            try:
                run.returncode = child.finish()
            finally:
                run.seconds = time.monotonic() - started
        if run.returncode != 0:
            raise dbt_failure(run, display)
    return run


def dbt_failure(run: DbtRun, display: BuildDisplay) -> KzmigError:
    """The one message for a failed dbt command."""
    from kzmig.progress import FAILURE_EVENTS

    log_path = display.log_path
    delivery_error = next((line for line in run.error_lines() if MALFORMED_DELIVERY_LINE.match(line)), None)
    if delivery_error is None:  # not an event: look in whatever dbt printed as text
        delivery_error = next((line.strip() for line in run.text if MALFORMED_DELIVERY_LINE.match(line.strip())),
                              None)
    if delivery_error is not None:
        # The landing hook's one clear message, without dbt's stack of macro calls.
        display.log(f"kzmig: error: {delivery_error}")
        return KzmigError(delivery_error, log_path=log_path)
    counts = run.counts()
    nodes = ""
    if counts.get("failed") or counts.get("skipped"):
        nodes = (f": {counts.get('failed', 0)} failed, {counts.get('skipped', 0)} skipped"
                 f" of {run.total or run.done} nodes")
    reasons = [line for line in (list(run.error_lines(FAILURE_EVENTS)) or list(run.error_lines()))
               if not line.startswith(("Completed with", "Encountered an error", "Done."))]
    message = f"dbt {run.command} failed (exit {run.returncode}){nodes}"
    if reasons:
        message += ": " + " ".join(reasons[:2])[:600]
        if len(reasons) > 2:
            message += f" (and {len(reasons) - 2} more lines)"
    display.log(f"kzmig: error: {message}")
    if display.quiet:
        # No console, no one to read the log file: the caller gets dbt's last lines.
        message += "\n" + "\n".join(run.text)[-4000:]
    return KzmigError(message.rstrip(), log_path=log_path)
