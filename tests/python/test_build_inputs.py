"""Nothing new, nothing done: a `kzmig build` whose inputs are those of the last successful
build (kzmig.build_inputs) runs no dbt and says the warehouse is up to date; anything new
(a delivery, a seed, a model, the cut-off) or --force makes it build; and two builds of the
same deliveries give the same marts (latest's cut-off is taken from the data, not the clock).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from kzmig import build_inputs
from kzmig.bench import differing_rows
from kzmig.project import PROJECT_DIR
from kzmig.publish import current_publication
from conftest import FIXTURES_DIR, query, warehouse_environment
from test_landing import coupon, delivery, record

FIXTURE_LANDING = FIXTURES_DIR / "landing_csv"


def kzmig_build(workdir: Path, landing: Path, *options: str) -> tuple[subprocess.CompletedProcess, float]:
    """`kzmig build` as a user runs it, in a process of its own; its result and seconds."""
    environment = {**os.environ, "DBT_DUCKDB_PATH": str(workdir / "warehouse.duckdb"),
                   "DBT_TARGET_PATH": str(workdir / "target"), "DBT_LOG_PATH": str(workdir / "logs"),
                   "KZMIG_DUCKDB_TEMP_DIR": str(workdir / "tmp")}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "kzmig.cli", "build", "--landing-dir", str(landing), *options],
                            cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result, time.monotonic() - started


def build_runs(database: Path) -> list[tuple[str, str]]:
    return query(database, "select invocation_id, status from audit.build_runs order by started_at")


def marts_and_releases(database: Path) -> list[str]:
    return [name for (name,) in query(database, """
        select table_schema || '.' || table_name from information_schema.tables
        where table_schema = 'marts' order by 1""")]


def differences(left: Path, right: Path) -> dict[str, int]:
    """Rows of every table of schema marts (marts and release tables) in one build and not
    the other, both ways."""
    tables = marts_and_releases(left)
    assert tables == marts_and_releases(right) and len(tables) > 20
    with duckdb.connect(":memory:") as connection:
        connection.execute(f"attach '{left}' as left_build (read_only)")
        connection.execute(f"attach '{right}' as right_build (read_only)")
        return {table: differing_rows(connection, f"left_build.{table}", f"right_build.{table}")
                for table in tables}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture deliveries built once by kzmig build, then built again with nothing new."""
    root = tmp_path_factory.mktemp("build_inputs")
    landing = root / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    workdir = root / "build"
    (workdir / "tmp").mkdir(parents=True)
    first, full_seconds = kzmig_build(workdir, landing)
    database = workdir / "warehouse.duckdb"
    runs = build_runs(database)
    publication = current_publication(published_path_of(workdir))
    second, nothing_new_seconds = kzmig_build(workdir, landing)
    return root, landing, workdir, database, runs, publication, second, full_seconds, nothing_new_seconds


def published_path_of(workdir: Path) -> Path:
    return workdir / "warehouse_marts.duckdb"


def test_a_build_with_nothing_new_runs_no_dbt_and_says_so(built):
    root, landing, workdir, database, runs, publication, second, full_seconds, nothing_new_seconds = built
    assert runs[-1][1] == "success"
    # no dbt: no new build in the log, the same publication, and the user is told why
    assert build_runs(database) == runs
    assert current_publication(published_path_of(workdir)) == publication
    assert "nothing new since build " + runs[-1][0] in second.stdout
    assert "dbt build" not in second.stdout
    # the fixtures' full build takes tens of seconds (hundreds of nodes); this one is the
    # Python start-up, a hash of the project's files and a look at the warehouse
    assert nothing_new_seconds < max(0.2 * full_seconds, 3.0), (nothing_new_seconds, full_seconds)


def test_a_delivery_touched_but_unchanged_is_still_nothing_new(built):
    root, landing, workdir, database, runs, *_ = built
    delivery_file = landing / "coupons_2023_01.csv"
    os.utime(delivery_file, ns=(time.time_ns(), time.time_ns()))
    settings = build_inputs.build_settings(landing, None, "duckdb", False)
    with warehouse_environment(workdir):
        assert build_inputs.up_to_date(landing, settings, database) == runs[-1][0]


def test_anything_new_makes_it_build(built):
    """Each kind of change, one at a time, on the recorded inputs: the warehouse is no
    longer up to date (the build then runs, as test_forced_and_new_builds shows end to end)."""
    root, landing, workdir, database, runs, *_ = built
    settings = build_inputs.build_settings(landing, None, "duckdb", False)
    with warehouse_environment(workdir):
        assert build_inputs.up_to_date(landing, settings, database) == runs[-1][0]
        # another cut-off, another target, --warn-error, another project (a seed, a model,
        # a macro, dbt_project.yml or kzmig itself: all in project_sha256)
        for changed in ({"cutoff": "2023-02-28T23:59:59"}, {"target": "postgres"}, {"warn_error": True},
                        {"project_sha256": "0" * 64}, {"manifest_sha256": "1" * 64}):
            assert build_inputs.up_to_date(landing, {**settings, **changed}, database) is None, changed
        # a new delivery
        other = root / "landing_with_new"
        shutil.copytree(landing, other)
        delivery(other / "coupons_2023_09.csv", [record(coupon("N1", submitted_at="2023-09-10T10:00:00"))])
        assert build_inputs.up_to_date(other, settings, database) is None
        # a delivery of another content, its size kept
        changed = root / "landing_changed"
        shutil.copytree(landing, changed)
        path = changed / "coupons_2023_01.csv"
        data = bytearray(path.read_bytes())
        data[-2] = ord("X") if data[-2] != ord("X") else ord("Y")
        path.write_bytes(bytes(data))
        assert build_inputs.up_to_date(changed, settings, database) is None
        # the publication gone
        link = published_path_of(workdir)
        target = os.readlink(link)
        link.unlink()
        try:
            assert build_inputs.up_to_date(landing, settings, database) is None
        finally:
            link.symlink_to(target)
        assert build_inputs.up_to_date(landing, settings, database) == runs[-1][0]


def test_the_project_digest_follows_seeds_models_macros_and_the_project_file(tmp_path):
    copy = tmp_path / "project"
    for name in build_inputs.PROJECT_FOLDERS + ("kzmig",):
        if (PROJECT_DIR / name).is_dir():
            shutil.copytree(PROJECT_DIR / name, copy / name)
    (copy / "profiles").mkdir()
    for name in build_inputs.PROJECT_FILES:
        shutil.copyfile(PROJECT_DIR / name, copy / name)
    digest = build_inputs.project_digest(copy)
    assert digest == build_inputs.project_digest(copy)
    for name in ["seeds/reference/regions.csv", "models/marts/dim_region.sql",
                 "macros/marts/region_flows.sql", "dbt_project.yml", "kzmig/build.py",
                 "tests/dbt/marts/assert_every_counted_coupon_reaches_the_monthly_marts.sql"]:
        path = copy / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert build_inputs.project_digest(copy) != digest, name
        path.write_bytes(original)
    assert build_inputs.project_digest(copy) == digest
    (copy / "models" / "marts" / "new_model.sql").write_text("select 1 as one\n")
    assert build_inputs.project_digest(copy) != digest


def test_forced_and_new_builds_run_and_give_the_same_marts(built):
    """--force builds all the same, and gives the same marts and release tables (latest's
    cut-off is the last submission read, not the build's start); plain dbt in between makes
    the next kzmig build run; a new delivery and another cut-off build."""
    root, landing, workdir, database, runs, *_ = built
    first = root / "first.duckdb"
    shutil.copyfile(database, first)
    result, _ = kzmig_build(workdir, landing, "--force")
    assert "dbt build" in result.stdout
    forced_runs = build_runs(database)
    assert len(forced_runs) == len(runs) + 1 and forced_runs[-1][1] == "success"
    assert differences(first, database) == dict.fromkeys(marts_and_releases(first), 0)
    [(cutoff_at, is_last_submission, last_submission)] = query(database, """
        select cutoff_at, is_cutoff_last_submission,
            (select max(valid_from_at) from intermediate.int_coupon_rows_checked)
        from marts.dim_release where release_id = 'latest'""")
    assert is_last_submission and cutoff_at == last_submission

    # a dbt run by hand since: the warehouse is no longer the recorded build's
    with duckdb.connect(str(database)) as connection:
        connection.execute("""insert into audit.build_runs (invocation_id, command, target_name, started_at,
            status) values ('by-hand', 'run', 'duckdb', timestamp '2999-01-01', 'success')""")
    settings = build_inputs.build_settings(landing, None, "duckdb", False)
    with warehouse_environment(workdir):
        assert build_inputs.up_to_date(landing, settings, database) is None
    with duckdb.connect(str(database)) as connection:
        connection.execute("delete from audit.build_runs where invocation_id = 'by-hand'")

    # a new delivery builds, and is then nothing new
    delivery(landing / "coupons_2023_09.csv", [record(coupon("N1", registration_date="2023-09-02",
                                                             submitted_at="2023-09-10T10:00:00"))])
    result, _ = kzmig_build(workdir, landing)
    assert "dbt build" in result.stdout and len(build_runs(database)) == len(forced_runs) + 1
    result, _ = kzmig_build(workdir, landing)
    assert "nothing new since build" in result.stdout and len(build_runs(database)) == len(forced_runs) + 1
    # another cut-off builds
    result, _ = kzmig_build(workdir, landing, "--cutoff", "2023-02-28T23:59:59")
    assert "dbt build" in result.stdout and len(build_runs(database)) == len(forced_runs) + 2
    assert query(database, "select cutoff_at, is_cutoff_last_submission from marts.dim_release"
                           " where release_id = 'latest'")[0][1] is False

