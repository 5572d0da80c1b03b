"""`kzmig build`: seed the reference data and build the warehouse with dbt."""

from __future__ import annotations

import argparse

from kzmig.project import DEFAULT_LANDING_DIR, KzmigError, dbt_vars, run_dbt


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("build", help="dbt seed + dbt build of the whole warehouse (on postgres: kzmig load first)")
    parser.add_argument("--landing-dir", default=str(DEFAULT_LANDING_DIR),
                        help="folder of coupon extracts (default: data/landing)")
    parser.add_argument("--cutoff", default=None,
                        help="data cut-off, YYYY-MM-DDTHH:MM:SS (default: everything landed)")
    parser.add_argument("--target", default=None, help="dbt target (duckdb or postgres)")
    parser.add_argument("--warn-error", action="store_true", help="treat dbt warnings as errors")
    parser.set_defaults(run=run)


def build(landing_dir, cutoff=None, target=None, warn_error=False, quiet=False) -> None:
    from pathlib import Path

    if not Path(landing_dir).is_dir():
        raise KzmigError(f"landing folder {landing_dir} does not exist")
    if target == "postgres":
        # PostgreSQL cannot read the files itself: copy new deliveries into the raw
        # table first (idempotent: a delivery already loaded is skipped).
        from kzmig.load import load

        load(landing_dir, quiet=quiet)
    variables = ["--vars", dbt_vars(landing_dir, cutoff)]
    flags = ["--warn-error"] if warn_error else []
    run_dbt([*flags, "seed", "--full-refresh", *variables], target=target, quiet=quiet)
    # dbt build seeds again (cheaply) so that the seeds' own tests run with the models'.
    run_dbt([*flags, "build", *variables], target=target, quiet=quiet)


def run(args: argparse.Namespace) -> int:
    build(args.landing_dir, args.cutoff, args.target, args.warn_error)
    return 0
