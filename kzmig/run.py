"""`kzmig run`: the main job end to end on the embedded DuckDB warehouse.

1. Look at the landing folder, and never mix synthetic data with real data:
   - it does not exist or is empty: fill it with the calibrated SYNTHETIC world
     (`kzmig generate`) and say so plainly;
   - it holds exactly a synthetic world that `kzmig generate` wrote (its deliveries and
     the generator's manifest.json, `"synthetic": true`, listing those very deliveries):
     build it, saying again that it is synthetic;
   - it holds deliveries only (coupons_YYYY_MM.csv or .parquet, the name rule of
     kzmig.landing): build them as real extracts;
   - it holds anything else (any file that is not a delivery, README.md included, or a
     synthetic manifest beside deliveries it does not list): refuse, naming the files,
     before anything is written.
   `--synthetic` asks for the synthetic world explicitly: it generates into a new or
   empty folder and refuses a folder holding any file.
2. Build the warehouse (`kzmig build`).
3. Export the latest release of the release calendar (`kzmig export`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kzmig.build import add_verbose_argument
from kzmig.landing import DELIVERY_NAME, SYNTHETIC_MANIFEST, read_synthetic_manifest
from kzmig.project import DEFAULT_LANDING_DIR, PROJECT_DIR, KzmigError, cutoff_argument

# The generator's manifest (kzmig.landing.SYNTHETIC_MANIFEST).
MANIFEST = SYNTHETIC_MANIFEST
NEW, SYNTHETIC, REAL = "new", "synthetic", "real"
NEVER_MIX = "synthetic data must never mix with real data"

SYNTHETIC_BANNER = """\
kzmig: the landing folder {landing} {state}.
kzmig: generating the SYNTHETIC calibrated world into it. These are NOT real coupons:
kzmig: they are made up so that the warehouse reproduces the figures BNS published.
kzmig: To run on real extracts, point --landing-dir at the folder of the Migration
kzmig: Service's deliveries (coupons_YYYY_MM.csv or .parquet)."""

SYNTHETIC_FOUND = """\
kzmig: the landing folder {landing} holds a SYNTHETIC world written by kzmig generate
kzmig: ({count} deliveries and its manifest.json). Building it: these are NOT real coupons,
kzmig: never publish figures from them."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="the main job: build the landing folder (a new or empty one gets the synthetic "
                    "world) and export the latest release",
        description="Build the warehouse from the landing folder and export the latest release. A "
                    "landing folder that does not exist or is empty is first filled with the SYNTHETIC "
                    "calibrated world (said loudly). A folder holding deliveries only "
                    "(coupons_YYYY_MM.csv or .parquet) is built as real extracts; a folder holding a "
                    "synthetic world that kzmig generate wrote is built again as such; a folder holding "
                    f"any other file is refused, naming the files, before anything is written: {NEVER_MIX}.")
    parser.add_argument("--landing-dir", default=str(DEFAULT_LANDING_DIR),
                        help="folder of coupon extracts (default: data/landing)")
    parser.add_argument("--synthetic", action="store_true",
                        help="generate the synthetic calibrated world into the landing folder, which "
                             "must not exist or be empty (refused otherwise), then build and export")
    parser.add_argument("--cutoff", default=None, type=cutoff_argument,
                        help="data cut-off, YYYY-MM-DDTHH:MM:SS (default: everything landed)")
    parser.add_argument("--out", default=str(PROJECT_DIR / "release"), help="folder for the exported release")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the synthetic world, if one is generated")
    add_verbose_argument(parser)
    parser.set_defaults(run=run)


def named(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(name) for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def landing_state(landing: Path) -> tuple[str, list[str]]:
    """What the landing folder holds: (NEW, []) when it does not exist or is empty,
    (SYNTHETIC, deliveries) for a world kzmig generate wrote, (REAL, deliveries) for
    deliveries only. Raises KzmigError, naming them, for files that are none of these."""
    if not landing.exists():
        return NEW, []
    if not landing.is_dir():
        raise KzmigError(f"the landing folder {landing} is not a folder")
    entries = sorted(landing.iterdir(), key=lambda path: path.name)
    if not entries:
        return NEW, []
    deliveries = [path.name for path in entries if path.is_file() and DELIVERY_NAME.fullmatch(path.name)]
    manifest = read_synthetic_manifest(landing / MANIFEST) if (landing / MANIFEST).is_file() else None
    others = [path.name + ("/" if path.is_dir() else "") for path in entries
              if path.name not in deliveries and not (manifest is not None and path.name == MANIFEST)]
    if others:
        raise KzmigError(
            f"the landing folder {landing} holds {len(others)} file(s) that are not deliveries: "
            f"{named(others)}. kzmig run builds a folder only when every file in it is a delivery "
            "named coupons_YYYY_MM.csv or coupons_YYYY_MM.parquet (lower case, month 01-12), or a "
            "synthetic world exactly as kzmig generate wrote it; it generates the synthetic world only "
            f"into a new or empty folder: {NEVER_MIX}. Nothing was written. Rename misnamed deliveries, move "
            "the other files out of the folder, or point --landing-dir at another folder.")
    if manifest is not None:
        listed = set(manifest["files"])
        unlisted = [name for name in deliveries if name not in listed]
        missing = sorted(listed - set(deliveries))
        if unlisted or missing:
            found = []
            if unlisted:
                found.append(f"deliveries the manifest does not list: {named(unlisted)}")
            if missing:
                found.append(f"deliveries the manifest lists are missing: {named(missing)}")
            raise KzmigError(
                f"the landing folder {landing} holds the manifest.json of a synthetic world written by "
                f"kzmig generate, but not that world ({'; '.join(found)}): {NEVER_MIX}. Nothing was "
                "written. Keep real deliveries in a folder of their own, and generate the synthetic "
                "world into a new or empty folder (kzmig run --synthetic --landing-dir NEW_FOLDER).")
        return SYNTHETIC, deliveries
    return REAL, deliveries


def prepare_landing(landing: Path, synthetic: bool = False) -> str:
    """Decide what `kzmig run` does with the landing folder, before anything is written.

    Returns NEW (generate the synthetic world into it), SYNTHETIC or REAL (build what it
    holds); raises KzmigError, writing nothing, when it must not be used."""
    if synthetic and landing.exists() and (not landing.is_dir() or any(landing.iterdir())):
        held = sorted(path.name for path in landing.iterdir()) if landing.is_dir() else []
        raise KzmigError(
            f"--synthetic generates the synthetic world only into a new or empty folder, and the landing "
            f"folder {landing} " + (f"holds {len(held)} file(s) ({named(held)})" if landing.is_dir()
                                    else "is a file") +
            f": {NEVER_MIX}. Nothing was written. Point --landing-dir at a new or empty folder"
            + (", or run without --synthetic to build what the folder holds." if landing.is_dir() else "."))
    state, deliveries = landing_state(landing)
    if state == SYNTHETIC:
        print(SYNTHETIC_FOUND.format(landing=landing, count=len(deliveries)), flush=True)
    elif state == REAL:
        print(f"kzmig: building the {len(deliveries)} deliveries in {landing} as real extracts "
              "(no synthetic world there).", flush=True)
    return state


def run(args: argparse.Namespace) -> int:
    landing = Path(args.landing_dir)
    state = prepare_landing(landing, synthetic=args.synthetic)

    from kzmig.build import build
    from kzmig.export import export_latest
    from kzmig.generate import generate_world

    if state == NEW:
        print(SYNTHETIC_BANNER.format(landing=landing, state="is empty" if landing.exists() else "does not exist"),
              flush=True)
        generate_world(out_dir=landing, file_format="csv", seed=args.seed)
    build(landing, cutoff=args.cutoff, verbose=args.verbose)
    # the build marks a synthetic world (marts.dim_release.has_synthetic_data) and the export
    # reads the mark from there
    export_latest(out_dir=Path(args.out))
    return 0
