"""Generate a world: every year's coupons, written as monthly deliveries, and the
manifest of what was written on purpose."""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from kzmig.generator.attributes import Attributes
from kzmig.generator.plan import Planner, end_of_month, seconds
from kzmig.generator.reference import load_reference
from kzmig.generator.rows import (COUNTED, IDENTICAL, OUTCOMES, REJECT_REASONS, REJECTED, SUPERSEDED,
                                  UNKNOWN_FIELDS, VERSION, WITHDRAWN, RowMaker, Rows)
from kzmig.generator.writer import (BlockWriter, DeliveryFiles, FileStyles, delivery_index, identical_copies,
                                    to_text)
from kzmig.generator.year import NONE, Context, YearBuilder

from kzmig.landing import SYNTHETIC_MANIFEST

# "synthetic": true, and per delivery its rows, size_bytes and sha256: the synthetic mark
# the build records (a delivery is synthetic when it has exactly the bytes listed here).
MANIFEST = SYNTHETIC_MANIFEST


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


def outcomes_at(rows: Rows, cutoff: int, copied: np.ndarray) -> Counter:
    """The outcome of every row at a data cut-off, from what each row was made for: rows
    sent later are after the cut-off; of a coupon's versions sent by then the last one
    decides (counted, withdrawn, or rejected when it breaks the coupon) and the others
    are superseded; messy rows and duplicate registrations end as made (a duplicate is
    never sent before the coupon it repeats)."""
    columns = rows.columns
    sent = columns["submitted"] <= cutoff
    result = Counter()
    result["after_cutoff"] = int((~sent).sum()) + int((~sent[copied]).sum())
    result["identical_row"] = int(sent[copied].sum())
    role = columns["role"]
    versions = sent & (role == VERSION)
    latest = np.zeros(int(columns["coupon_key"].max(initial=0)) + 1, dtype=np.int8)
    np.maximum.at(latest, columns["coupon_key"][versions], columns["version"][versions])
    is_latest = versions & (columns["version"] == latest[columns["coupon_key"]])
    result["superseded"] = int((versions & ~is_latest).sum())
    decided = is_latest | (sent & (role != VERSION))
    # A version superseded in the end decides while it is the last one sent.
    outcome = np.where(columns["outcome"] != SUPERSEDED, columns["outcome"],
                       np.where(columns["cancelled"], WITHDRAWN, COUNTED))
    reject = columns["reject"]
    for code, count in zip(*np.unique(outcome[decided], return_counts=True)):
        if code != REJECTED:
            result[OUTCOMES[code]] += int(count)
    for code, count in zip(*np.unique(reject[decided & (outcome == REJECTED)], return_counts=True)):
        result[f"rejected:{REJECT_REASONS[code]}"] += int(count)
    return result


class Progress:
    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.started = time.monotonic()

    def say(self, message: str) -> None:
        if self.enabled:
            print(f"kzmig generate: {message} ({time.monotonic() - self.started:.1f} s)", file=sys.stderr, flush=True)


class World:
    """The plans and shared lookups of a world (built once per process)."""

    def __init__(self, years: int | None, scale: float | None):
        self.reference = load_reference()
        self.world = self.reference.world
        calibrated_years = len(self.world["world"]["calibrated_years"])
        self.years = calibrated_years if years is None else int(years)
        self.scale = 1.0 if scale is None else float(scale)
        if self.years < 1 or self.scale <= 0:
            raise ValueError("years must be at least 1 and scale positive")
        self.calibrated = self.years >= calibrated_years and self.scale == 1
        planner = Planner(self.reference)
        self.plans = planner.plan(self.years, self.scale)
        self.first_year = self.world["world"]["first_year"]
        last_year = self.plans[-1].year
        self.months = (last_year - self.first_year) * 12 + 3
        self.ctx = Context(self.reference, self.world, planner.regions, self.reference.countries,
                           self.reference.ethnic_groups, self.reference.reasons,
                           seconds(end_of_month(last_year, 3)))
        self.attributes = Attributes(self.ctx)


_WORLDS: dict[tuple, World] = {}


def world_of(years: int | None, scale: float | None) -> World:
    key = (years, scale)
    if key not in _WORLDS:
        _WORLDS[key] = World(years, scale)
    return _WORLDS[key]


def build_block(seed: int, years: int | None, scale: float | None, index: int, out_dir: Path,
                file_format: str) -> dict:
    """One year of the world, written, with the account of what it holds. Runs in a
    worker process; the year's random numbers depend only on the seed and the year."""
    env = world_of(years, scale)
    ctx, world, plan = env.ctx, env.world, env.plans[index]
    rng = np.random.default_rng([seed, plan.year])
    builder = YearBuilder(ctx, plan, rng)
    table, figures = builder.build()
    reg_month = builder.reg_month(table["reg_day"])
    people = env.attributes.assign(rng, table, plan, reg_month)
    maker = RowMaker(builder, env.attributes)
    main = maker.versions(table, people)
    maker.formats(main)
    maker.flaws(main)
    noise = maker.noise(main)
    for part in noise:
        if not hasattr(part, "duplicate_of"):
            maker.formats(part)
    rows = assign_ids([main, *noise])
    # Rows in delivery order (then as sent), so that each file's part is one slice.
    delivery = delivery_index(rows.columns["submitted"], env.first_year)
    order = np.lexsort((rows.columns["submitted"], delivery))
    rows, delivery = rows.take(order), delivery[order]
    text = to_text(rows, ctx, rng, plan.year, int(round(world["noise"]["submitted_at_padded"] * plan.scale)))
    copies, copied = identical_copies(text, rows, ctx, rng)
    copy_delivery = delivery[copied] + (rng.random(len(copied)) < world["noise"]["identical_row_next_file_share"])
    copy_delivery = np.minimum(copy_delivery, env.months - 1)
    writer = BlockWriter(out_dir, file_format, env.first_year, plan.year, FileStyles(env.months, world, seed))
    writer.write(text, delivery)
    writer.write(copies, copy_delivery)
    # What was written on purpose, with no cut-off and at each release's cut-off.
    at_cutoff = {release.release_id: outcomes_at(rows, seconds(release.cutoff), copied)
                 for release in env.reference.releases}
    outcome = rows.columns["outcome"]
    outcomes = Counter({OUTCOMES[code]: int(count) for code, count in zip(*np.unique(outcome, return_counts=True))})
    outcomes[OUTCOMES[IDENTICAL]] += len(copied)
    rejected = rows.columns["reject"][rows.columns["reject"] != NONE]
    reasons = Counter({REJECT_REASONS[code]: int(count)
                       for code, count in zip(*np.unique(rejected, return_counts=True))})
    flags = rows.columns["unknown"][outcome == COUNTED]
    unknown = Counter({name: int(((flags >> bit) & 1).sum()) for bit, name in enumerate(UNKNOWN_FIELDS)})
    return {"year": plan.year, "files": writer.close(), "outcomes": outcomes, "reasons": reasons,
            "at_cutoff": at_cutoff,
            "unknown": unknown, "rows": len(rows) + len(copied),
            "releases": {release_id: {"calibrated": plan.calibrated, **values}
                         for release_id, values in figures.items()}}


def blocks(seed: int, years: int | None, scale: float | None, count: int, workers: int, out_dir: Path,
           file_format: str) -> Iterator[dict]:
    """The years in order, built by `workers` processes (a few years ahead at most)."""
    if workers <= 1 or count <= 1:
        for index in range(count):
            yield build_block(seed, years, scale, index, out_dir, file_format)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque = deque()
        submitted = 0
        while submitted < count or pending:
            while submitted < count and len(pending) < workers + 1:
                pending.append(pool.submit(build_block, seed, years, scale, submitted, out_dir, file_format))
                submitted += 1
            yield pending.popleft().result()


def generate_world(out_dir: str | Path, file_format: str = "csv", seed: int | None = None,
                   years: int | None = None, scale: float | None = None, progress: bool = True,
                   workers: int | None = None) -> dict:
    """Write a synthetic world of coupon extracts into out_dir and return its manifest.

    Without years/scale: the calibrated world (2021-2025 and January-March 2026), whose
    releases reproduce the published figures. With them: a world of `years` years from
    2021 at `scale` times the size, of the same shape (uncalibrated unless both are 1
    for the calibrated years). The files depend only on the seed, years and scale (not
    on the number of worker processes).
    """
    if file_format not in ("csv", "parquet"):
        raise ValueError("file_format must be csv or parquet")
    started = time.monotonic()
    env = world_of(years, scale)
    seed = env.world["world"]["default_seed"] if seed is None else int(seed)
    workers = 1 if workers is None else max(1, int(workers))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = DeliveryFiles(out_dir, file_format, env.first_year, env.months, FileStyles(env.months, env.world, seed))
    report = Progress(progress)
    report.say(f"{len(env.plans)} years, {env.months} deliveries, {workers} worker(s)")
    outcomes: Counter = Counter()
    reasons: Counter = Counter()
    unknown: Counter = Counter()
    releases = {}
    at_cutoff: dict[str, Counter] = {}
    total_rows = 0
    for block in blocks(seed, years, scale, len(env.plans), workers, out_dir, file_format):
        files.add(block["files"])
        files.finish(block["year"])
        outcomes.update(block["outcomes"])
        reasons.update(block["reasons"])
        unknown.update(block["unknown"])
        releases.update(block["releases"])
        for release_id, counts in block["at_cutoff"].items():
            at_cutoff.setdefault(release_id, Counter()).update(counts)
        total_rows += block["rows"]
        report.say(f"{block['year']}: {block['rows']:,} rows written, {total_rows:,} in all")
    written = files.close()
    elapsed = time.monotonic() - started
    manifest = {
        "synthetic": True,
        "description": "Synthetic coupon extracts made by `kzmig generate`: invented people and moves, not "
                       "real data" + (", calibrated so that the releases of 2021-2025 reproduce the published "
                                      "figures." if env.calibrated else " (uncalibrated)."),
        "seed": seed,
        "years": env.years,
        "scale": env.scale,
        "format": file_format,
        "calibrated": env.calibrated,
        "first_delivery": files.name(0),
        "last_delivery": files.name(env.months - 1),
        "rows": total_rows,
        "files": written,
        "outcomes": {name: outcomes.get(name, 0) for name in OUTCOMES if name != "after_cutoff"},
        "reject_reasons": {name: reasons.get(name, 0) for name in REJECT_REASONS},
        "counted_with_unknown": dict(unknown),
        "at_release_cutoff": {
            release.release_id: {
                "cutoff_at": release.cutoff.isoformat(),
                "outcomes": {name: (sum(count for key, count in at_cutoff[release.release_id].items()
                                        if key.startswith("rejected:")) if name == "rejected"
                                    else at_cutoff[release.release_id].get(name, 0)) for name in OUTCOMES},
                "reject_reasons": {name: at_cutoff[release.release_id].get(f"rejected:{name}", 0)
                                   for name in REJECT_REASONS}}
            for release in env.reference.releases},
        "releases": releases,
    }
    with open(out_dir / MANIFEST, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    report.say(f"{total_rows:,} rows in {len(written)} {file_format} files written to {out_dir}")
    return {**manifest, "seconds": elapsed}
