"""Generate a world: every year's coupons, written as monthly deliveries, and the
manifest of what was written on purpose."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa

from kzmig.generator.attributes import Attributes
from kzmig.generator.plan import Planner, end_of_month, seconds
from kzmig.generator.reference import load_reference
from kzmig.generator.rows import (COUNTED, IDENTICAL, OUTCOMES, REJECT_REASONS, UNKNOWN_FIELDS, RowMaker,
                                  Rows)
from kzmig.generator.writer import DeliveryWriter, identical_copies, to_text
from kzmig.generator.year import NONE, Context, YearBuilder

MANIFEST = "manifest.json"


def assign_ids(parts: list[Rows]) -> Rows:
    """Coupon identifiers in the order coupons were first sent; a duplicate registration
    always gets a larger identifier than the coupon it repeats."""
    keys, duplicate = [], []
    for number, part in enumerate(parts):
        coupon = part.coupon if not hasattr(part, "duplicate_of") else np.arange(len(part))
        keys.append(number * 10**9 + coupon)
        duplicate.append(np.full(len(part), hasattr(part, "duplicate_of")))
    rows = Rows.concat(parts)
    keys = np.concatenate(keys)
    duplicate = np.concatenate(duplicate)
    has_id = rows.columns["seq"] != NONE
    groups, inverse = np.unique(keys[has_id], return_inverse=True)
    first = np.full(len(groups), np.iinfo(np.int64).max)
    np.minimum.at(first, inverse, rows.columns["submitted"][has_id])
    group_duplicate = np.zeros(len(groups), dtype=bool)
    group_duplicate[inverse] = duplicate[has_id]
    order = np.lexsort((groups, group_duplicate, first))
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(1, len(groups) + 1)
    rows.columns["seq"][has_id] = rank[inverse]
    return rows


class Progress:
    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.started = time.monotonic()

    def say(self, message: str) -> None:
        if self.enabled:
            print(f"kzmig generate: {message} ({time.monotonic() - self.started:.1f} s)", file=sys.stderr, flush=True)


def generate_world(out_dir: str | Path, file_format: str = "csv", seed: int | None = None,
                   years: int | None = None, scale: float | None = None, progress: bool = True) -> dict:
    """Write a synthetic world of coupon extracts into out_dir and return its manifest.

    Without years/scale: the calibrated world (2021-2023 and January-March 2024), whose
    releases reproduce the published figures. With them: a world of `years` years from
    2021 at `scale` times the size, of the same shape (uncalibrated unless both are 1
    for the calibrated years).
    """
    if file_format not in ("csv", "parquet"):
        raise ValueError("file_format must be csv or parquet")
    started = time.monotonic()
    reference = load_reference()
    world = reference.world
    seed = world["world"]["default_seed"] if seed is None else int(seed)
    calibrated_years = len(world["world"]["calibrated_years"])
    years = calibrated_years if years is None else int(years)
    scale = 1.0 if scale is None else float(scale)
    if years < 1 or scale <= 0:
        raise ValueError("years must be at least 1 and scale positive")
    planner = Planner(reference)
    plans = planner.plan(years, scale)
    first_year = world["world"]["first_year"]
    last_year = plans[-1].year
    limit = seconds(end_of_month(last_year, 3))
    ctx = Context(reference, world, planner.regions, reference.countries, reference.ethnic_groups,
                  reference.reasons, limit)
    attributes = Attributes(ctx)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    months = (last_year - first_year) * 12 + 3
    writer = DeliveryWriter(out_dir, file_format, first_year, months, ctx, np.random.default_rng([seed, 0]))
    report = Progress(progress)
    outcomes: Counter = Counter()
    reasons: Counter = Counter()
    unknown: Counter = Counter()
    releases = {}
    total_rows = 0
    for plan in plans:
        rng = np.random.default_rng([seed, plan.year])
        builder = YearBuilder(ctx, plan, rng)
        table, figures = builder.build()
        reg_month = builder.reg_month(table["reg_day"])
        people = attributes.assign(rng, table, plan, reg_month)
        maker = RowMaker(builder, attributes)
        main = maker.versions(table, people)
        maker.formats(main)
        maker.flaws(main)
        noise = maker.noise(main)
        for part in noise:
            if not hasattr(part, "duplicate_of"):
                maker.formats(part)
        rows = assign_ids([main, *noise])
        text = to_text(rows, ctx, rng, plan.year,
                       int(round(world["noise"]["submitted_at_padded"] * plan.scale)))
        delivery = writer.delivery_of(rows.columns["submitted"])
        copies, copied = identical_copies(text, rows, ctx, rng)
        copy_delivery = delivery[copied] + (rng.random(len(copied)) < world["noise"]["identical_row_next_file_share"])
        copy_delivery = np.minimum(copy_delivery, months - 1)
        writer.write(pa.concat_tables([text, copies]), np.concatenate([delivery, copy_delivery]))
        # What was written on purpose.
        outcome = rows.columns["outcome"]
        outcomes.update({OUTCOMES[code]: int(count) for code, count in zip(*np.unique(outcome, return_counts=True))})
        outcomes[OUTCOMES[IDENTICAL]] += len(copied)
        rejected = rows.columns["reject"][rows.columns["reject"] != NONE]
        reasons.update({REJECT_REASONS[code]: int(count) for code, count in zip(*np.unique(rejected, return_counts=True))})
        flags = rows.columns["unknown"][outcome == COUNTED]
        for bit, name in enumerate(UNKNOWN_FIELDS):
            unknown[name] += int(((flags >> bit) & 1).sum())
        for release_id, values in figures.items():
            releases[release_id] = {"calibrated": plan.calibrated, **values}
        total_rows += len(rows) + len(copied)
        report.say(f"{plan.year}: {len(rows) + len(copied):,} rows written")
    files = writer.close()
    elapsed = time.monotonic() - started
    manifest = {
        "synthetic": True,
        "description": "Synthetic coupon extracts made by `kzmig generate`: invented people and moves, "
                       "calibrated so that the releases of 2021-2023 reproduce the published figures.",
        "seed": seed,
        "years": years,
        "scale": scale,
        "format": file_format,
        "calibrated": years >= calibrated_years and scale == 1,
        "first_delivery": writer.name(0),
        "last_delivery": writer.name(months - 1),
        "rows": total_rows,
        "files": files,
        "outcomes": {name: outcomes.get(name, 0) for name in OUTCOMES if name != "after_cutoff"},
        "reject_reasons": {name: reasons.get(name, 0) for name in REJECT_REASONS},
        "counted_with_unknown": dict(unknown),
        "releases": releases,
    }
    with open(out_dir / MANIFEST, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    report.say(f"{total_rows:,} rows in {len(files)} {file_format} files written to {out_dir}")
    return {**manifest, "seconds": elapsed}
