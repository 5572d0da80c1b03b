"""`kzmig run`: the main job end to end on the embedded DuckDB warehouse.

1. If the landing folder holds no coupon extracts, fill it with the calibrated
   SYNTHETIC world (`kzmig generate`) and say so plainly.
2. Build the warehouse (`kzmig build`).
3. Export the latest release of the release calendar (`kzmig export`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kzmig.build import add_verbose_argument
from kzmig.project import DEFAULT_LANDING_DIR, PROJECT_DIR

SYNTHETIC_BANNER = """\
kzmig: the landing folder {landing} holds no coupon extracts.
kzmig: generating the SYNTHETIC calibrated world into it. These are NOT real coupons:
kzmig: they are made up so that the warehouse reproduces the figures BNS published.
kzmig: To run on real extracts, point --landing-dir at the folder of the Migration
kzmig: Service's deliveries (coupons_YYYY_MM.csv or .parquet)."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="generate (if the landing folder is empty), build and export")
    parser.add_argument("--landing-dir", default=str(DEFAULT_LANDING_DIR),
                        help="folder of coupon extracts (default: data/landing)")
    parser.add_argument("--cutoff", default=None, help="data cut-off of the monthly marts (default: none)")
    parser.add_argument("--out", default=str(PROJECT_DIR / "release"), help="folder for the exported release")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the synthetic world, if one is generated")
    add_verbose_argument(parser)
    parser.set_defaults(run=run)


def has_extracts(landing: Path) -> bool:
    if not landing.is_dir():
        return False
    return any(landing.glob("coupons_*.csv")) or any(landing.glob("coupons_*.parquet"))


def run(args: argparse.Namespace) -> int:
    from kzmig.build import build
    from kzmig.export import export_latest
    from kzmig.generate import generate_world

    landing = Path(args.landing_dir)
    if not has_extracts(landing):
        print(SYNTHETIC_BANNER.format(landing=landing), flush=True)
        generate_world(out_dir=landing, file_format="csv", seed=args.seed)
    build(landing, cutoff=args.cutoff, verbose=args.verbose)
    export_latest(out_dir=Path(args.out))
    return 0
