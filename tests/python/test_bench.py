"""`kzmig bench` on a tiny world: it runs, and its computations agree.

No timing is asserted (the figures belong in BENCHMARKS.md); what is asserted is that the
warehouse, the hand-written floor query and the pandas computation produce the same three
monthly marts, that the floor's outcome counts equal the warehouse's audit, and that the
floor gets the hand-written extracts' expected outcomes.
"""

from __future__ import annotations

import csv
from collections import Counter

import duckdb
import pytest

from kzmig.bench import bench, differing_rows, parquet
from kzmig.bench.deliveries import MARTS
from kzmig.bench.floor import run_floor
from kzmig.bench.pandas_marts import main as pandas_main
from kzmig.generator import generate_world
from kzmig.project import KzmigError
from conftest import FIXTURES_DIR


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("bench")
    output = work_dir / "BENCHMARKS.md"
    output.write_text("# Benchmarks\n\nkept text\n", encoding="utf-8")
    report = bench(["tiny"], ["csv"], runs=1, only=["full", "floor", "pandas"], work_dir=work_dir,
                   memory_limit="1GB", output=output)
    return report, output


def test_the_warehouse_floor_and_pandas_agree_on_the_tiny_world(tiny_report):
    report, _ = tiny_report
    (world,) = report["worlds"]
    checks = world["agreement"]["differing_rows"]
    assert set(checks) == ({f"floor = warehouse: {mart}" for mart in MARTS}
                           | {f"pandas = warehouse: {mart}" for mart in MARTS}
                           | {"floor = warehouse: outcome counts"})
    assert checks == {name: 0 for name in checks}
    assert all(rows > 0 for rows in world["agreement"]["mart_rows"].values())
    assert world["rows"] > 5_000


def test_the_bench_reports_medians_memory_and_ratios(tiny_report):
    report, output = tiny_report
    (world,) = report["worlds"]
    for name in ["full", "export", "end_to_end", "floor", "pandas"]:
        timing = world["timings"][name]
        assert timing["median_seconds"] > 0 and len(timing["runs_seconds"]) == 1
        assert timing["peak_rss_bytes"] > 10 * 1024 ** 2
    assert world["ratios"]["warehouse / floor"] == round(
        world["timings"]["full"]["median_seconds"] / world["timings"]["floor"]["median_seconds"], 2)
    assert world["ratios"]["incremental / full"] is None
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nkept text\n")
    assert f"{world['rows']:,} rows" in text and "warehouse / floor = " in text
    assert "Agreement: all 7 checks equal" in text


def test_a_disagreement_is_counted_row_by_row(tmp_path):
    connection = duckdb.connect()
    connection.execute("create table a as select * from (values (1, 'x'), (2, 'y'), (2, 'y')) as t(n, s)")
    connection.execute("create table b as select * from (values (1, 'x'), (2, 'y'), (3, 'z')) as t(n, s)")
    assert differing_rows(connection, "a", "a") == 0
    assert differing_rows(connection, "a", "b") == 2


def test_the_floor_gets_the_expected_outcomes_of_the_hand_written_extracts(tmp_path):
    run_floor(FIXTURES_DIR / "landing_csv", tmp_path / "floor")
    with open(FIXTURES_DIR / "expected_outcomes.csv", encoding="utf-8", newline="") as handle:
        expected = Counter((row["outcome"], row["reject_reason"] or None) for row in csv.DictReader(handle))
    counts = duckdb.sql(f"select outcome, reject_reason, row_count from {parquet(tmp_path / 'floor' / 'outcome_counts.parquet')}"
                        " where row_count > 0").fetchall()
    assert {(outcome, reason): count for outcome, reason, count in counts} == dict(expected)


def test_floor_and_pandas_agree_on_parquet_deliveries(tmp_path):
    landing = tmp_path / "landing"
    generate_world(landing, file_format="parquet", seed=7, years=1, scale=0.005)
    run_floor(landing, tmp_path / "floor")
    assert pandas_main([str(landing), str(tmp_path / "pandas")]) == 0
    connection = duckdb.connect()
    for mart in MARTS:
        floor_mart, pandas_mart = (parquet(tmp_path / side / f"{mart}.parquet") for side in ("floor", "pandas"))
        assert connection.execute(f"select count(*) from {floor_mart}").fetchone()[0] > 0
        assert differing_rows(connection, floor_mart, pandas_mart) == 0


def test_the_floor_stops_on_a_malformed_submitted_at(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    source = FIXTURES_DIR / "landing_csv" / "coupons_2023_01.csv"
    text = source.read_text(encoding="utf-8")
    assert "2023-01-27T09:00:00" in text
    (landing / source.name).write_text(text.replace("2023-01-27T09:00:00", "2023-01-27 09:00:00", 1),
                                       encoding="utf-8")
    with pytest.raises(KzmigError, match="malformed delivery"):
        run_floor(landing, tmp_path / "floor")
