"""The one entry point: `kzmig <command>`.

The command line of the kz_migration warehouse: it builds Kazakhstan's population-migration
statistics from the Migration Service's coupon extracts with dbt on DuckDB (or PostgreSQL)
and exports the releases.

Every command shares the same endings: an error the user can act on (KzmigError) and an
operating-system error (OSError: permission denied, disk full, a missing or read-only
folder, a file where a folder is expected) print one line `kzmig: error: ...` naming the
path and exit 1; a stop signal (Ctrl-C's SIGINT, SIGTERM, SIGHUP) prints one line and exits
128 + its number (130, 143, 129; kzmig.process); a reader that goes away
(`kzmig export --list | head -1`) ends the command quietly with exit status 141, as a Unix
tool killed by SIGPIPE does. The command line is checked before anything runs: an unknown
option is named, a malformed value (a cut-off) refused.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from kzmig.process import Stopped, install_stop_handlers
from kzmig.project import KzmigError, os_error_message, require_project

# Each command lives in its own module exposing add_parser(subparsers).
COMMANDS = ["build", "run", "load", "export", "generate", "bench"]

DESCRIPTION = """\
The command line of the kz_migration warehouse: Kazakhstan's population-migration
statistics built from the Migration Service's coupon extracts with dbt, and the
releases exported from it."""

EPILOG = """\
the two main workflows:
  kzmig run
      The main job (what scripts/release.sh runs): build the landing folder data/landing
      and export the latest release into release/. A landing folder that does not exist
      or is empty is first filled with the SYNTHETIC calibrated world (made up: never
      publish figures from it); a folder holding anything but deliveries is refused.
  kzmig build --landing-dir DIR [--cutoff YYYY-MM-DDTHH:MM:SS]
  kzmig export --list | --latest | --release RELEASE_ID
      Real extracts: build the warehouse from a folder of deliveries
      (coupons_YYYY_MM.csv or .parquet), then export a release.

`kzmig COMMAND --help` describes each command."""

SIGPIPE_STATUS = 128 + 13  # what the shell reports for a process killed by SIGPIPE


def package_version() -> str:
    """The installed package's version; without an installation, the source tree's."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kzmig")
    except PackageNotFoundError:
        pass
    from kzmig.project import PROJECT_DIR

    try:
        import tomllib

        with open(PROJECT_DIR / "pyproject.toml", "rb") as handle:
            return f"{tomllib.load(handle)['project']['version']} (not installed)"
    except (OSError, KeyError, ValueError):
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kzmig", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"kzmig {package_version()}")
    # Not required here: parse_arguments names an unknown option before a missing COMMAND.
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name in COMMANDS:
        importlib.import_module(f"kzmig.{name}").add_parser(subparsers)
    return parser


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line, checked whole before anything runs: an unknown option is named
    (by the command's own usage when there is a command), then a missing COMMAND."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if args.command is None:
        if unknown:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        parser.error("the following arguments are required: COMMAND")
    if unknown:
        subparsers = next(action for action in parser._actions
                          if isinstance(action, argparse._SubParsersAction))
        subparsers.choices[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a real file (a test's capture): nothing to silence


def main(argv: list[str] | None = None) -> int:
    install_stop_handlers()
    try:
        try:
            args = parse_arguments(argv)
            require_project()  # every command works on the dbt project's folder
            return args.run(args)
        finally:
            # Inside the try: a reader gone away shows up here at the latest.
            sys.stdout.flush()
    except KzmigError as error:
        print(f"kzmig: error: {error}", file=sys.stderr)
        if getattr(error, "log_path", None) is not None:
            print(f"kzmig: the full log is in {error.log_path}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as error:
        if (error.name or "kzmig").split(".")[0] == "kzmig":
            raise
        extra = "'kzmig[postgres]'" if error.name.split(".")[0] == "psycopg2" else "kzmig"
        print(f"kzmig: error: the Python module {error.name!r} is not installed; install the "
              f"dependencies (pip install {extra}, or the tested set: pip install -r requirements.txt)",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt as stop:
        # SIGINT, SIGTERM or SIGHUP (kzmig.process.Stopped; a bare KeyboardInterrupt is SIGINT)
        stopped = stop if isinstance(stop, Stopped) else Stopped()
        print(f"kzmig: {stopped.message()}", file=sys.stderr)
        return stopped.status
    except BrokenPipeError:
        # The reader of the output went away (`kzmig export --list | head -1`): stop quietly.
        silence_stdout()
        return SIGPIPE_STATUS
    except OSError as error:
        print(f"kzmig: error: {os_error_message(error)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
