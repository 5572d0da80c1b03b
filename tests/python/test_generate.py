"""`kzmig generate` on small worlds: deterministic, in the extract format of the spec,
the same rows in CSV and Parquet, messy on purpose, and a manifest that accounts for
every row. (The calibrated world itself is tested through the warehouse in
test_calibrated_world.py.)"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import kzmig.generate as generate_command
from kzmig.cli import main
from kzmig.generator import MANIFEST, generate_world
from kzmig.generator.plan import count_for_change, count_for_share, shown_change, shown_share
from kzmig.generator.rows import COLUMNS

SMALL = {"years": 1, "scale": 0.02}


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> dict[str, Path]:
    folders = {}
    for name, file_format, seed, workers in (("csv", "csv", 7, 1), ("again", "csv", 7, 2),
                                             ("parquet", "parquet", 7, 2), ("other_seed", "csv", 8, 1)):
        folders[name] = tmp_path_factory.mktemp(name)
        generate_world(folders[name], file_format=file_format, seed=seed, progress=False, workers=workers,
                       **SMALL)
    return folders


def read_manifest(folder: Path) -> dict:
    with open(folder / MANIFEST, encoding="utf-8") as handle:
        return json.load(handle)


def csv_rows(path: Path) -> tuple[list[str], list[list[str]], bytes]:
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:], raw


def test_same_seed_same_files(worlds):
    """Same seed, same bytes, whether one process or two built the years."""
    first = sorted(path.name for path in worlds["csv"].iterdir())
    assert first == sorted(path.name for path in worlds["again"].iterdir())
    for name in first:
        assert (worlds["csv"] / name).read_bytes() == (worlds["again"] / name).read_bytes(), name


def test_other_seed_other_rows(worlds):
    name = "coupons_2021_06.csv"
    assert (worlds["csv"] / name).read_bytes() != (worlds["other_seed"] / name).read_bytes()


def test_deliveries_follow_the_extract_spec(worlds):
    folder = worlds["csv"]
    manifest = read_manifest(folder)
    files = sorted(folder.glob("coupons_*.csv"))
    # January 2021 to March of the year after the last one, one file a month.
    assert [path.name for path in files] == list(manifest["files"])
    assert files[0].name == "coupons_2021_01.csv" and files[-1].name == "coupons_2022_03.csv"
    timestamp = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
    kinds = Counter()
    for path in files:
        header, rows, raw = csv_rows(path)
        entry = manifest["files"][path.name]
        assert header == COLUMNS, path.name
        assert len(rows) == entry["rows"], path.name
        assert raw.startswith(b"\xef\xbb\xbf") == entry["byte_order_mark"]
        assert (b"\r\n" in raw) == (entry["line_end"] == "\\r\\n")
        assert raw.startswith(b'"coupon_id"', 3 if entry["byte_order_mark"] else 0) == entry["all_quoted"]
        kinds.update(name for name in ("byte_order_mark", "all_quoted") if entry[name])
        kinds.update(["crlf"] if entry["line_end"] == "\\r\\n" else [])
        year, month = map(int, path.stem.split("_")[1:])
        for row in rows:
            assert len(row) == len(COLUMNS)
            sent = row[COLUMNS.index("submitted_at")].strip()
            assert timestamp.fullmatch(sent), (path.name, row)
            moment = dt.datetime.fromisoformat(sent)
            # A delivery holds what was sent that month; a row sent twice may come a month later.
            months_late = (year - moment.year) * 12 + month - moment.month
            assert months_late in (0, 1), (path.name, sent)
    assert kinds["byte_order_mark"] and kinds["all_quoted"] and kinds["crlf"]


def test_parquet_holds_the_same_rows_as_csv(worlds):
    for path in sorted(worlds["csv"].glob("coupons_*.csv")):
        _, rows, _ = csv_rows(path)
        table = pq.read_table(worlds["parquet"] / f"{path.stem}.parquet")
        assert table.column_names == COLUMNS
        assert all(str(field.type) == "string" for field in table.schema)
        from_parquet = [tuple(value or None for value in row.values()) for row in table.to_pylist()]
        from_csv = [tuple(value or None for value in row) for row in rows]
        assert from_parquet == from_csv, path.name


def test_manifest_accounts_for_every_row(worlds):
    manifest = read_manifest(worlds["csv"])
    assert manifest["synthetic"] is True and manifest["calibrated"] is False
    assert manifest["rows"] == sum(entry["rows"] for entry in manifest["files"].values())
    assert manifest["rows"] == sum(manifest["outcomes"].values())
    assert manifest["outcomes"]["rejected"] == sum(manifest["reject_reasons"].values())
    # Even a small world has every outcome and every reject reason of the spec.
    assert all(count > 0 for count in manifest["outcomes"].values())
    assert all(count > 0 for count in manifest["reject_reasons"].values())
    assert all(count > 0 for count in manifest["counted_with_unknown"].values())
    assert manifest["outcomes"]["counted"] > 0.95 * manifest["rows"]


def test_messy_on_purpose(worlds):
    seen = Counter()
    for path in sorted(worlds["csv"].glob("coupons_*.csv")):
        _, rows, _ = csv_rows(path)
        for row in rows:
            values = dict(zip(COLUMNS, row))
            seen["dmy"] += bool(re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", values["registration_date"]))
            seen["padded"] += any(value != value.strip() for value in row)
            seen["lower"] += values["coupon_type"].strip() in ("a", "d")
            seen["sex_digit"] += values["sex"].strip() in ("1", "2")
            seen["upper_hash"] += bool(re.fullmatch(r"[0-9A-F]{16}", values["person_id_hash"].strip())
                                       and re.search("[A-F]", values["person_id_hash"]))
            seen["cancelled"] += values["record_status"].strip().lower() == "cancelled"
            seen["no_id"] += values["coupon_id"].strip() == ""
    assert all(seen[name] > 0 for name in
               ("dmy", "padded", "lower", "sex_digit", "upper_hash", "cancelled", "no_id")), seen


def test_a_larger_world_of_the_same_shape(tmp_path):
    manifest = generate_world(tmp_path, seed=7, years=2, scale=0.04, progress=False)
    small = manifest["rows"]
    assert manifest["calibrated"] is False
    assert manifest["first_delivery"] == "coupons_2021_01.csv"
    assert manifest["last_delivery"] == "coupons_2023_03.csv"
    assert len(list(tmp_path.glob("coupons_*.csv"))) == 27
    # Two years at twice the scale: about four times the rows of the one-year world.
    one_year = generate_world(tmp_path / "one", seed=7, progress=False, **SMALL)["rows"]
    assert 3.0 < small / one_year < 5.0


def test_shares_and_changes_round_as_published():
    assert shown_share(1, 8) == Decimal("12.5")
    assert shown_change(1999, 2000) == Decimal("-0.1")  # -0.05: halves away from zero
    assert shown_change(2001, 2000) == Decimal("0.1")
    assert shown_change(16055, 24239) == Decimal("-33.8")
    total = 25399
    assert shown_share(count_for_share(total, 86.3), total) == Decimal("86.3")
    assert shown_change(count_for_change(827580, 27.5), 827580) == Decimal("27.5")


def test_cli_does_not_overwrite_extracts(tmp_path, capsys):
    (tmp_path / "coupons_2021_01.csv").write_text("anything\n", encoding="utf-8")
    assert main(["generate", "--out", str(tmp_path), "--years", "1", "--scale", "0.01", "--quiet"]) == 1
    assert "already holds" in capsys.readouterr().err
    assert (tmp_path / "coupons_2021_01.csv").read_text(encoding="utf-8") == "anything\n"
    assert main(["generate", "--out", str(tmp_path), "--years", "1", "--scale", "0.01", "--quiet",
                 "--force"]) == 0
    output = capsys.readouterr().out
    assert "SYNTHETIC" in output and "rows/s" in output
    assert (tmp_path / "coupons_2021_01.csv").read_text(encoding="utf-8") != "anything\n"


def test_generate_if_empty(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(generate_command, "generate_world", lambda landing, **options: calls.append(landing))
    assert generate_command.generate_if_empty(tmp_path / "empty") is True
    assert calls == [tmp_path / "empty"]
    filled = tmp_path / "filled"
    filled.mkdir()
    (filled / "coupons_2021_01.parquet").write_bytes(b"")
    assert generate_command.generate_if_empty(filled) is False
    assert len(calls) == 1


def test_audit_account_at_a_cutoff_equals_manifest(tmp_path):
    """Built with the cut-off of a release, the warehouse's account of every row (with
    the rows sent later as after_cutoff) is what the manifest says for that cut-off."""
    from conftest import build_warehouse, query

    landing = tmp_path / "landing"
    manifest = generate_world(landing, seed=11, years=1, scale=0.05, progress=False)
    expected = manifest["at_release_cutoff"]["2021-06-p"]
    database = build_warehouse(tmp_path / "build", landing, cutoff=expected["cutoff_at"])
    rows = query(database, "select outcome, reject_reason, count(*) from audit.coupon_outcomes group by all")
    outcomes, reasons = Counter(), Counter()
    for outcome, reason, count in rows:
        outcomes[outcome] += count
        if reason is not None:
            reasons[reason] += count
    assert outcomes["after_cutoff"] > 0
    assert outcomes == Counter({name: count for name, count in expected["outcomes"].items() if count})
    assert reasons == Counter({name: count for name, count in expected["reject_reasons"].items() if count})


def test_the_calibrated_plan_covers_the_calendar_and_scaled_worlds_keep_their_size():
    """The calibrated world's plan runs over the calibrated years and January-March of the
    next, with a checkpoint for every release of the calendar; a scaled world repeats the
    pattern years of world.toml (its later years are the last pattern year's, scaled), so
    that a ten-year world keeps its size."""
    import copy

    from kzmig.generator.plan import Planner, PlanError
    from kzmig.generator.reference import load_reference

    reference = load_reference()
    planner = Planner(reference)
    calibrated = reference.world["world"]["calibrated_years"]
    plans = planner.plan(len(calibrated), 1.0)
    assert [plan.year for plan in plans] == [*calibrated, calibrated[-1] + 1]
    assert plans[-1].months == [1, 2, 3]
    checkpoints = {point.release_id for plan in plans for point in plan.checkpoints}
    assert {release.release_id for release in reference.releases} <= checkpoints
    pattern_last = reference.world["world"]["pattern_years"][-1]
    scaled = planner.plan(10, 2.5)
    pattern = next(plan for plan in scaled if plan.year == pattern_last)
    later = [plan for plan in scaled[:-1] if plan.year > pattern_last]
    assert later
    for plan in later:
        assert [point.internal for point in plan.preliminary] == [point.internal for point in pattern.preliminary]
    # An exact count chosen for a figure published in thousands must round to it.
    figure = next(figure for figure in reference.figures if figure.published_decimals < 0)
    wrong = copy.deepcopy(reference)
    exact = wrong.world["unpinned"].setdefault("exact", {}).setdefault(figure.release_id, {})
    value = figure.published_value + 100
    exact[figure.figure_code] = {figure.dimension_code: value} if figure.dimension_code else value
    with pytest.raises(PlanError, match="does not round"):
        Planner(wrong)


@pytest.mark.parametrize("net, losing, fixed", [
    # four losers of one weight (the shape of the 2025 world before: -7,699 four times)
    ([9000, -2250, -2250, -2250, -2250], [1, 2, 3, 4], [0]),
    # two pairs of equal losers beside two published gains
    ([5000, 3000, -2000, -2000, -2000, -2000], [2, 3, 4, 5], [0, 1]),
    # ties that become new ties when resolved (-2, -2 then -3, -3), one large loser
    ([30, -3, -3, -2, -2, -20], [1, 2, 3, 4, 5], [0]),
    # regions not in force keep 0 (not losers), the smallest losses are 1
    ([6, 0, 0, -1, -1, -4], [3, 4, 5], [0]),
])
def test_distinct_losses_leaves_no_two_regions_with_one_net(net, losing, fixed):
    from kzmig.generator.plan import distinct_losses

    net = np.array(net, dtype=np.int64)
    result = distinct_losses(net, losing)
    assert result.sum() == net.sum() == 0
    nonzero = [int(value) for value in result if value != 0]
    assert len(nonzero) == len(set(nonzero))
    assert all(result[index] == net[index] for index in fixed)  # published gains untouched
    assert all(result[index] < 0 for index in losing)  # losers stay losers
    assert all(result[index] == 0 for index in range(len(net)) if net[index] == 0)


def test_distinct_losses_refuses_what_cannot_be_distinct():
    from kzmig.generator.plan import PlanError, distinct_losses

    with pytest.raises(PlanError, match="distinct"):
        distinct_losses(np.array([3, -1, -1, -1], dtype=np.int64), [1, 2, 3])  # three losers of 3 in all


def test_the_calibrated_plan_gives_no_two_regions_one_net():
    """At every preliminary release of the calibrated plan, every region in force has its
    own interregional net: the published ones as published, the others (losses shared out
    by weight, varied per release) all different from each other and from the published."""
    from kzmig.generator.plan import Planner
    from kzmig.generator.reference import load_reference

    reference = load_reference()
    planner = Planner(reference)
    checked = 0
    for plan in planner.plan(len(reference.world["world"]["calibrated_years"]), 1.0)[:-1]:
        for point in plan.preliminary:
            values = [int(value) for value in point.net if value != 0]
            assert len(values) == len(set(values)), point.release_id
            published = {figure.dimension_code: figure for figure in
                         reference.figures_of(point.release_id, "interregional_net")}
            for code, figure in published.items():
                if figure.published_decimals == 0:
                    assert point.net[planner.region_index[code]] == figure.published_value
            checked += 1
    assert checked == sum(1 for release in reference.releases if release.vintage == "preliminary")


def test_chosen_counts_are_not_round():
    """The counts world.toml chooses where BNS publishes exact counts (internal migrants,
    external totals, positive interregional nets, the exact counts behind figures published
    in thousands) are not round hundreds: a made-up 88,600 would show."""
    from kzmig.generator.reference import load_reference

    unpinned = load_reference().world["unpinned"]
    counts = []

    def collect(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                if not key.endswith("_pct"):
                    collect(inner)
        elif isinstance(value, int):
            counts.append(value)

    for section in ("internal_migrants", "internal_revision", "external", "exact", "positive_interregional_net"):
        collect(unpinned[section])
    assert len(counts) > 50
    assert [count for count in counts if count % 100 == 0] == []
