"""`kzmig bench` on a tiny world: it runs, and its computations agree.

No timing is asserted (the figures belong in BENCHMARKS.md); what is asserted is that the
warehouse, the hand-written floor query and the pandas computation produce the same three
monthly marts, that the floor's outcome counts equal the warehouse's audit, that the floor
gets the hand-written extracts' expected outcomes, and what the report holds (load at the
start of each run, the memory limit used, the targets of issue 27 where they apply).
"""

from __future__ import annotations

import csv
from collections import Counter

import duckdb
import pytest

from kzmig.bench import (SIZES, World, bench, calibrated_year_count, differing_rows, memory_limits, parquet,
                         ratios, render, targets, worlds_to_bench)
from kzmig.bench.deliveries import MARTS
from kzmig.bench.floor import run_floor
from kzmig.bench.pandas_marts import main as pandas_main
from kzmig.generator import generate_world
from kzmig.project import DEFAULT_DUCKDB_MEMORY_LIMIT, KzmigError
from conftest import FIXTURES_DIR


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("bench")
    output = work_dir / "BENCHMARKS.md"
    output.write_text("# Benchmarks\n\nkept text\n", encoding="utf-8")
    # the product's default memory limit (no --memory-limit)
    report = bench(["tiny"], ["csv"], runs=1, only=["full", "floor", "pandas"], work_dir=work_dir, output=output)
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
    for name in ["full", "export", "end_to_end", "nothing_new", "floor", "pandas"]:
        timing = world["timings"][name]
        assert timing["median_seconds"] > 0 and len(timing["runs_seconds"]) == 1
        assert timing["peak_rss_bytes"] > 10 * 1024 ** 2
        (load,) = timing["runs_load"]
        assert load >= 0
    assert world["ratios"]["warehouse / floor"] == round(
        world["timings"]["full"]["median_seconds"] / world["timings"]["floor"]["median_seconds"], 4)
    assert world["ratios"]["incremental / full"] is None
    # the build with nothing new runs no dbt: a fraction of the full build
    assert world["ratios"]["nothing new / full"] == round(
        world["timings"]["nothing_new"]["median_seconds"] / world["timings"]["full"]["median_seconds"], 4)
    assert world["timings"]["nothing_new"]["median_seconds"] < world["timings"]["full"]["median_seconds"] / 3
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nkept text\n")
    assert f"{world['rows']:,} rows" in text and "warehouse / floor = " in text
    assert "Agreement: all 7 checks equal" in text
    assert "| load average at the start of each run |" in text
    full_row = next(line for line in text.splitlines() if line.startswith("| full build (`kzmig build`"))
    assert f"| {world['timings']['full']['runs_load'][0]:.2f} |" in full_row
    assert world["memory_limits"]["product_default"] and world["memory_limits"]["floor"] == DEFAULT_DUCKDB_MEMORY_LIMIT
    assert f"DuckDB memory_limit {DEFAULT_DUCKDB_MEMORY_LIMIT}, the product default" in text
    assert "| build with nothing new (`kzmig build` again" in text
    assert world["targets"] == [] and "Targets (issue 27)" not in text  # none applies to the tiny world


def timing(seconds, peak_gib=1.0):
    return {"median_seconds": seconds, "runs_seconds": [seconds] * 3, "runs_load": [0.1, 0.2, 0.3],
            "peak_rss_bytes": int(peak_gib * 1024 ** 3), "measured_at": "2026-11-30T02:00+00:00"}


def world_result(size, file_format, timings, **others):
    result = {"size": size, "format": file_format, "years": SIZES[size].years, "scale": SIZES[size].scale,
              "generate_arguments": SIZES[size].generate_arguments, "rows": 1000, "files": 3, "runs": 3,
              "started_at": "2026-11-30T02:00:00+00:00", "load_average_before": [0.1], "load_average_after": [0.2],
              "memory_limits": memory_limits(None), "timings": timings, "slowest_nodes": [], "notes": [], **others}
    result["ratios"] = ratios(timings)
    result["targets"] = targets(result)
    return result


def test_the_targets_of_issue_27_are_judged_with_each_world_they_apply_to():
    calibrated = world_result("calibrated", "csv", {"full": timing(24.0), "floor": timing(10.0),
                                                    "nothing_new": timing(1.0)})
    assert [(t["target"], t["met"]) for t in calibrated["targets"]] == [
        ("full build within 2.5× the floor", True), ("a build with nothing new at most 5 % of the full build", True)]
    slow = world_result("calibrated", "csv", {"full": timing(26.0), "floor": timing(10.0),
                                              "nothing_new": timing(2.0)})
    assert [t["met"] for t in slow["targets"]] == [False, False]
    # a build with nothing new of a fraction of a per cent is measured, and met
    quick = world_result("10y", "parquet", {"full": timing(234.7), "floor": timing(53.3), "nothing_new": timing(1.0)})
    assert quick["ratios"]["nothing new / full"] == 0.0043
    assert (quick["targets"][-1]["measured"], quick["targets"][-1]["met"]) == ("1.0 s = 0.4 %", True)
    incremental = timing(20.0) | {"new_delivery": "coupons_2031_03.parquet"}
    ten_years = world_result("10y", "parquet", {"full": timing(100.0, 6.5), "floor": timing(40.0),
                                                "incremental": incremental},
                             slowest_nodes=[("int_coupon_rows_checked", 30.5)],
                             node_time={"model": {"nodes": 30, "seconds": 80.0}, "test": {"nodes": 250, "seconds": 20.0}},
                             slowest_nodes_incremental=[("int_coupon_counts_evaluated", 4.2)],
                             node_time_incremental={"model": {"nodes": 30, "seconds": 12.0}})
    assert [t["met"] for t in ten_years["targets"]] == [True, False, False, None]
    assert world_result("10y", "csv", {"full": timing(1.0), "floor": timing(1.0)})["targets"] == []
    unmeasured = world_result("10y", "parquet", {"floor": timing(40.0)})
    assert [t["met"] for t in unmeasured["targets"]] == [None, None, None, None]
    finished = world_result("100m", "parquet", {"end_to_end": timing(900.0, 5.5), "floor": timing(200.0)})
    assert [(t["measured"], t["met"]) for t in finished["targets"]] == [("900.0 s, 5.50 GiB", True)]
    failed = world_result("100m", "parquet", {"floor": timing(200.0)}, full_failure="out of memory")
    assert [t["met"] for t in failed["targets"]] == [False]
    text = render({"machine": {"cores": 2, "memory_gib": 24, "system": "Linux", "versions": {}},
                   "worlds": [calibrated, ten_years, finished]})
    assert ("Targets (issue 27): full build within 2.5× the floor: 24.0 s ÷ 10.0 s = 2.40×, **met**; a build with "
            "nothing new at most 5 % of the full build: 1.0 s = 4.2 %, **met**.") in text
    assert "peak memory of the full build under 6 GiB: 6.50 GiB, **not met**" in text
    assert "incremental build (one new month) at most 10 % of the full build: 20.0 s = 20.0 %, **not met**" in text
    assert "| 0.10, 0.20, 0.30 |" in text
    # the profile of both builds: node time by kind, and the slowest nodes
    assert ("Last full build, node time by kind (dbt run_results.json, seconds, both threads summed): "
            "model 30 nodes 80.0 s, test 250 nodes 20.0 s.") in text
    assert "Last full build, slowest nodes (seconds): `int_coupon_rows_checked` 30.5." in text
    assert "Last incremental build, slowest nodes (seconds): `int_coupon_counts_evaluated` 4.2." in text


def test_worlds_and_their_formats(tmp_path, capsys):
    assert worlds_to_bench(["calibrated", "10y", "100m"], None) == [
        ("calibrated", "csv"), ("10y", "parquet"), ("100m", "parquet")]
    assert worlds_to_bench(["tiny", "calibrated", "10y", "100m"], ["csv", "parquet"]) == [
        ("tiny", "csv"), ("tiny", "parquet"), ("calibrated", "csv"), ("10y", "csv"), ("10y", "parquet"),
        ("100m", "parquet")]
    assert "--formats does not apply" in capsys.readouterr().out
    hundred = World(tmp_path, "100m", "parquet")
    assert hundred.generate_command()[3:] == ["generate", "--out", str(tmp_path / "worlds" / "100m_parquet"),
                                              "--years", "10", "--scale", "9", "--format", "parquet",
                                              "--seed", "2024", "--force"]
    assert hundred.matches({"years": 10, "scale": 9.0, "format": "parquet", "seed": 2024})
    assert not hundred.matches({"years": 10, "scale": 2.5, "format": "parquet", "seed": 2024})
    calibrated = World(tmp_path, "calibrated", "csv")
    assert "--years" not in calibrated.generate_command()
    years = calibrated_year_count()
    assert calibrated.matches({"years": years, "scale": 1.0, "format": "csv", "seed": 2024, "calibrated": True})
    assert not calibrated.matches({"years": years, "scale": 1.0, "format": "csv", "seed": 2024,
                                   "calibrated": False})
    # a calibrated world of an earlier version, on fewer years, is not reused
    assert not calibrated.matches({"years": years - 1, "scale": 1.0, "format": "csv", "seed": 2024,
                                   "calibrated": True})
    overridden = memory_limits("2GB")
    assert (overridden["warehouse"], overridden["floor"], overridden["product_default"]) == ("2GB", "2GB", False)
    env = World(tmp_path, "tiny", "csv").env(tmp_path / "w.duckdb", None)
    assert "KZMIG_DUCKDB_MEMORY_LIMIT" not in env and env["DBT_DUCKDB_PATH"] == str(tmp_path / "w.duckdb")


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
