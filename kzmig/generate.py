"""`kzmig generate`: write a synthetic world of coupon extracts (see kzmig/generator)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kzmig.generator import MANIFEST, generate_world
from kzmig.project import DEFAULT_LANDING_DIR, KzmigError, naming_path

SYNTHETIC_NOTICE = "These extracts are SYNTHETIC: invented people and moves, not real data."
CALIBRATED_NOTICE = ("They are calibrated: built into the warehouse, every release of 2021-2025 gives the "
                     "figures BNS published.")


def extract_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("coupons_*.csv"), *folder.glob("coupons_*.parquet")])


def generate_if_empty(landing_dir: str | Path, file_format: str = "csv", seed: int | None = None,
                      progress: bool = True) -> bool:
    """Fill an empty (or missing) landing folder with the calibrated world; leave a
    folder that holds extracts alone. Returns whether it generated."""
    landing = Path(landing_dir)
    if landing.is_dir() and extract_files(landing):
        return False
    print(f"kzmig: {landing} holds no extracts: generating the calibrated synthetic world.", file=sys.stderr)
    print(f"kzmig: {SYNTHETIC_NOTICE} {CALIBRATED_NOTICE}", file=sys.stderr)
    generate_world(landing, file_format=file_format, seed=seed, progress=progress)
    return True


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate", help="write a synthetic world of coupon extracts (calibrated by default)",
        description="Write monthly deliveries coupons_YYYY_MM.csv|parquet (January 2021 to March of the "
                    "year after the last one) and manifest.json. Without --years/--scale the world is "
                    "calibrated: built into a warehouse, every release of the calendar gives the "
                    "published figures. " + SYNTHETIC_NOTICE)
    parser.add_argument("--out", default=str(DEFAULT_LANDING_DIR), help="output folder (default: data/landing)")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv", help="file format (default: csv)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: 2024); same seed, same files")
    parser.add_argument("--years", type=int, default=None,
                        help="years from 2021 (default: 5, calibrated: 2021-2025 and January-March 2026); more for benchmarks")
    parser.add_argument("--scale", type=float, default=None,
                        help="size multiplier (default: 1); other than 1 the world is uncalibrated")
    parser.add_argument("--force", action="store_true",
                        help="replace the extracts and manifest already in the output folder")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes building years in parallel (default: 1); the files do not depend on it")
    parser.add_argument("--quiet", action="store_true", help="no progress display")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    existing = extract_files(out) if out.is_dir() else []
    if existing:
        if not args.force:
            raise KzmigError(f"{out} already holds {len(existing)} extract files (use --force to replace them)")
        for path in [*existing, out / MANIFEST]:
            path.unlink(missing_ok=True)
    with naming_path(out):  # a full disk names the output folder
        manifest = generate_world(out, file_format=args.format, seed=args.seed, years=args.years,
                                  scale=args.scale, progress=not args.quiet, workers=args.workers)
    seconds = manifest["seconds"]
    print(f"kzmig generate: {manifest['rows']:,} rows in {len(manifest['files'])} files "
          f"({manifest['first_delivery']} .. {manifest['last_delivery']}) written to {out} "
          f"in {seconds:.1f} s ({manifest['rows'] / max(seconds, 1e-9):,.0f} rows/s); "
          f"{'calibrated' if manifest['calibrated'] else 'uncalibrated'}, seed {manifest['seed']}.")
    print(f"kzmig generate: {SYNTHETIC_NOTICE}" + (f" {CALIBRATED_NOTICE}" if manifest["calibrated"] else ""))
    return 0


__all__ = ["SYNTHETIC_NOTICE", "add_parser", "generate_if_empty", "generate_world", "run"]
