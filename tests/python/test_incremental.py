"""An incremental build decides again only the coupons the new deliveries carry, and ends
exactly where a build from scratch of the same landing folder ends.

Each new delivery below touches old coupons in one of the ways that change their rows:
a later version (correction), an identical re-send, a tie with an old version (conflict),
a new coupon that makes an old one a duplicate registration, and a late delivery whose
file name sorts before the old files (so the first of identical rows moves to it). A
change of the reference data (the fingerprint on the checked rows) makes the next build
check every row again.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kzmig.bench import differing_rows
from kzmig.project import PROJECT_DIR
from conftest import build_warehouse, query, warehouse_environment
from test_landing import coupon, delivery, record

COMPARED = [
    "intermediate.int_coupon_rows_checked",
    "intermediate.int_duplicate_registrations_identified",
    "intermediate.int_coupon_counts_evaluated",
    "intermediate.int_region_flows_evaluated",
    "marts.migration_by_sex_and_age_annual",
    "marts.migration_by_reason_annual",
    "marts.external_migration_by_citizenship_annual",
    "audit.coupon_outcomes",
    "audit.coupon_outcome_summary",
    "marts.migration_monthly",
    "marts.migration_by_region_monthly",
    "marts.net_migration_monthly",
    "marts.interregional_flows_monthly",
    "marts.external_migration_by_country_monthly",
]

FEBRUARY = [
    coupon("C1", submitted_at="2023-02-10T10:00:00"),
    coupon("C2", submitted_at="2023-02-10T10:00:00", reason_code="02"),
    coupon("C4", submitted_at="2023-02-10T10:00:00"),
    coupon("D1", person_id_hash="p1", submitted_at="2023-02-10T10:00:00"),
    coupon("E1", coupon_type="D", counterpart_country="RUS", counterpart_kato_code="",
           submitted_at="2023-02-10T10:00:00"),
]
MARCH = [
    # a correction of C1: it now comes from abroad
    coupon("C1", counterpart_country="CHN", counterpart_kato_code="", submitted_at="2023-03-10T10:00:00"),
    # C2 sent again, identical
    coupon("C2", submitted_at="2023-02-10T10:00:00", reason_code="02"),
    # another version of C4 at the same submitted_at: both versions are in conflict
    coupon("C4", submitted_at="2023-02-10T10:00:00", reason_code="03"),
    # D0 registers the same move as D1 with a smaller id: D1 becomes a duplicate
    coupon("D0", person_id_hash="p1", submitted_at="2023-03-10T10:00:00"),
]
LATE_JANUARY = [
    # a late delivery whose name sorts first, with C2 once more: its row is now the first
    coupon("C2", submitted_at="2023-02-10T10:00:00", reason_code="02"),
    coupon("B1", registration_date="2023-01-03", submitted_at="2023-02-10T10:00:00"),
]


def outcomes(database: Path) -> dict[tuple[str, int], tuple[str, str]]:
    return {(source_file, source_row): (outcome, reject_reason or "")
            for source_file, source_row, outcome, reject_reason in query(
                database, "select source_file, source_row, outcome, reject_reason from audit.coupon_outcomes")}


def read_only_new_coupons(workdir: Path) -> bool:
    """Whether the last build's int_coupon_rows_checked read only the coupons of the new
    deliveries (its compiled SQL, from dbt's run_results.json)."""
    results = json.loads((workdir / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    (node,) = [result for result in results if result["unique_id"].endswith(".int_coupon_rows_checked")]
    return "delivered_coupon_ids" in node["compiled_code"]


def differing_rows_of(incremental: Path, full: Path) -> dict[str, int]:
    """Rows of each compared relation in one warehouse and not the other (the bench's check)."""
    import duckdb

    with duckdb.connect(":memory:") as connection:
        connection.execute(f"attach '{incremental}' as incremental (read_only)")
        connection.execute(f"attach '{full}' as full_build (read_only)")
        return {relation: differing_rows(connection, *(without_build_times(f"{database}.{relation}")
                                                      for database in ("incremental", "full_build")))
                for relation in COMPARED}


def without_build_times(relation: str) -> str:
    """The relation without the column that says when a build wrote each row (int_coupon_rows_checked's
    checked_at: the two warehouses were built at different times, their rows are the same)."""
    if relation.endswith(".int_coupon_rows_checked"):
        return f"(select * exclude (checked_at) from {relation})"
    return relation


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The landing folder grown delivery by delivery, built incrementally after each."""
    root = tmp_path_factory.mktemp("incremental")
    landing = root / "landing"
    workdir = root / "incremental"
    delivery(landing / "coupons_2023_02.csv", [record(values) for values in FEBRUARY])
    database = build_warehouse(workdir, landing)
    scoped = [read_only_new_coupons(workdir)]
    february_rows = query(database, "select count(*) from intermediate.int_coupon_rows_checked")[0][0]
    delivery(landing / "coupons_2023_03.csv", [record(values) for values in MARCH])
    build_warehouse(workdir, landing)
    scoped.append(read_only_new_coupons(workdir))
    after_march = outcomes(database)
    delivery(landing / "coupons_2023_01.csv", [record(values) for values in LATE_JANUARY])
    build_warehouse(workdir, landing)
    scoped.append(read_only_new_coupons(workdir))
    # the first build reads every row; the next two only the coupons of the new delivery
    assert scoped == [False, True, True]
    return root, landing, workdir, database, february_rows, after_march


def test_each_new_delivery_changes_the_old_coupons_it_carries(builds):
    _, _, _, database, february_rows, after_march = builds
    assert february_rows == len(FEBRUARY)
    assert after_march == {
        ("coupons_2023_02.csv", 1): ("superseded", ""),
        ("coupons_2023_02.csv", 2): ("counted", ""),
        ("coupons_2023_02.csv", 3): ("rejected", "conflicting_versions"),
        ("coupons_2023_02.csv", 4): ("duplicate_registration", ""),
        ("coupons_2023_02.csv", 5): ("counted", ""),
        ("coupons_2023_03.csv", 1): ("counted", ""),
        ("coupons_2023_03.csv", 2): ("identical_row", ""),
        ("coupons_2023_03.csv", 3): ("rejected", "conflicting_versions"),
        ("coupons_2023_03.csv", 4): ("counted", ""),
    }
    final = outcomes(database)
    # the late January file holds the first of C2's three identical rows
    assert final[("coupons_2023_01.csv", 1)] == ("counted", "")
    assert final[("coupons_2023_02.csv", 2)] == ("identical_row", "")
    assert final[("coupons_2023_03.csv", 2)] == ("identical_row", "")
    assert final[("coupons_2023_01.csv", 2)] == ("counted", "")
    assert len(final) == len(FEBRUARY) + len(MARCH) + len(LATE_JANUARY)


def test_the_incremental_warehouse_equals_a_build_from_scratch(builds):
    root, landing, _, database, _, _ = builds
    full = build_warehouse(root / "full", landing)
    assert differing_rows_of(database, full) == {relation: 0 for relation in COMPARED}
    assert query(full, "select count(*) from intermediate.int_coupon_rows_checked")[0][0] == (
        len(FEBRUARY) + len(MARCH) + len(LATE_JANUARY))


def test_changed_reference_data_make_the_next_build_check_every_row_again(builds):
    root, landing, workdir, database, _, _ = builds
    import duckdb

    with duckdb.connect(str(database)) as connection:
        (current,) = connection.execute(
            "select distinct reference_data_checksum from intermediate.int_coupon_rows_checked").fetchone()
        # rows checked against other reference data, and one of them with a wrong outcome
        connection.execute("update intermediate.int_coupon_rows_checked set reference_data_checksum = 'older', "
                           "version_outcome = 'rejected', reject_reason = 'unknown_region' "
                           "where coupon_id = 'E1'")
    delivery(landing / "coupons_2023_04.csv", [record(coupon("F1", submitted_at="2023-04-10T10:00:00"))])
    with warehouse_environment(workdir):
        finished = subprocess.run([sys.executable, "-m", "kzmig.cli", "build", "--landing-dir", str(landing)],
                                  capture_output=True, text=True, cwd=PROJECT_DIR)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    # the user is told, not only the log
    assert "every landed row is checked again (full rebuild)" in finished.stdout
    assert not read_only_new_coupons(workdir)
    assert query(database, "select distinct reference_data_checksum from intermediate.int_coupon_rows_checked") == [
        (current,)]
    assert outcomes(database)[("coupons_2023_02.csv", 5)] == ("counted", "")
    log = (workdir / "logs" / "kzmig-build.log").read_text(encoding="utf-8")
    assert "every landed row is checked again (full rebuild)" in log
    full = build_warehouse(root / "full_after_april", landing)
    assert differing_rows_of(database, full) == {relation: 0 for relation in COMPARED}


def dbt_test(workdir: Path, selection: str) -> subprocess.CompletedProcess:
    with warehouse_environment(workdir):
        return subprocess.run([str(Path(sys.executable).parent / "dbt"), "test", "--select", selection,
                               "--profiles-dir", str(PROJECT_DIR / "profiles")],
                              capture_output=True, text=True, cwd=PROJECT_DIR)


def test_the_row_tests_of_the_coupon_tables_read_the_rows_the_last_build_wrote(builds, tmp_path):
    """The row-by-row tests of stg_coupons__extract_rows and int_coupon_rows_checked read the rows
    of the last build (`where: "__last_build__ <column>"`, macro get_where_subquery): a fault in a
    row written before goes unseen, one in a row of the last build fails the test."""
    import duckdb

    _, _, _, database, _, _ = builds
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copyfile(database, copy / "warehouse.duckdb")
    checked = "intermediate.int_coupon_rows_checked"
    ingested = "staging.stg_coupons__extract_rows"
    with duckdb.connect(str(copy / "warehouse.duckdb")) as connection:
        # rows written by an earlier build than the last: C1's checked rows, February's ingested rows
        connection.execute(f"update {checked} set checked_at = checked_at - interval 1 day where coupon_id = 'C1'")
        connection.execute(f"update {ingested} set ingested_at = ingested_at - interval 1 day "
                           f"where source_file = 'coupons_2023_02.csv'")
        (newest_file,) = connection.execute(f"select source_file from {ingested} order by ingested_at desc, "
                                            f"source_file limit 1").fetchone()
        (newest_coupon,) = connection.execute(f"select coupon_id from {checked} where coupon_id <> 'C1' "
                                              f"order by checked_at desc, coupon_id limit 1").fetchone()
        # faults in those rows: a row said identical that is a version, a row ingested twice
        connection.execute(f"update {checked} set is_identical_row = not is_identical_row "
                           f"where coupon_id = 'C1'")
        connection.execute(f"insert into {ingested} select * from {ingested} "
                           f"where source_file = 'coupons_2023_02.csv' and source_row = 1")
    passed = dbt_test(copy, "int_coupon_rows_checked stg_coupons__extract_rows,test_type:generic")
    assert passed.returncode == 0, passed.stdout[-3000:]
    with duckdb.connect(str(copy / "warehouse.duckdb")) as connection:
        # the same faults in rows of the last build
        connection.execute(f"update {checked} set is_identical_row = not is_identical_row "
                           f"where coupon_id = '{newest_coupon}'")
        connection.execute(f"insert into {ingested} select * from {ingested} "
                           f"where source_file = '{newest_file}' and source_row = 1")
    failed = dbt_test(copy, "int_coupon_rows_checked stg_coupons__extract_rows,test_type:generic")
    assert failed.returncode != 0
    assert re.search(r"FAIL \d+ expression_is_true_int_coupon_rows_checked_is_identical_row", failed.stdout)
    assert "FAIL 1 unique_combination_of_columns_stg_coupons__extract_rows_source_file__source_row" in failed.stdout


RELEASE_SCOPED = ["int_coupon_counts_evaluated", "int_region_flows_evaluated", "migration_by_sex_and_age_annual",
                  "migration_by_reason_annual", "external_migration_by_citizenship_annual"]


def kept_releases(workdir: Path) -> dict[str, bool]:
    """Whether the last build of each release-scoped model kept the rows of some releases (its
    SQL as dbt ran it reads the rows it holds: macro release_scope_kept_rows)."""
    return {name: "kept.release_id not in" in next((workdir / "target" / "run").rglob(f"{name}.sql")).read_text()
            for name in RELEASE_SCOPED}


def test_the_release_scoped_models_keep_the_releases_nothing_changed(builds):
    """After the first build, each build recomputes the releases the new delivery can change and
    keeps the others' rows (the result equals a build from scratch:
    test_the_incremental_warehouse_equals_a_build_from_scratch); each model records the project
    it was built with and the last ingestion it has seen."""
    _, _, workdir, database, _, _ = builds
    assert kept_releases(workdir) == {name: True for name in RELEASE_SCOPED}
    recorded = query(database, "select model_name, project_fingerprint is not null, ingested_through = "
                               "(select max(ingested_at) from staging.stg_coupons__extract_rows) "
                               "from audit.release_scopes order by 1")
    assert recorded == [(name, True, True) for name in sorted(RELEASE_SCOPED)]


def test_another_project_recomputes_every_release(builds, tmp_path):
    """A build with another project fingerprint (a changed model, macro, seed or version: kzmig
    build's KZMIG_PROJECT_SHA256) recomputes every release, and gives the same tables."""
    import duckdb

    _, landing, _, database, _, _ = builds
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copyfile(database, copy / "warehouse.duckdb")
    with duckdb.connect(str(copy / "warehouse.duckdb")) as connection:
        connection.execute("update audit.release_scopes set project_fingerprint = 'another project'")
    from kzmig.build import build

    # nothing new was delivered: kzmig build would not run dbt, --force runs it
    with warehouse_environment(copy):
        build(landing, quiet=True, force=True)
    assert kept_releases(copy) == {name: False for name in RELEASE_SCOPED}
    assert differing_rows_of(copy / "warehouse.duckdb", database) == {relation: 0 for relation in COMPARED}
