"""The published marts: the copy of schema `marts` that analysts, BI tools and the export
read, replaced whole only after a successful build (macros/publish, kzmig.publish).

- A build succeeds while another process holds a read-only connection to the published
  file; that reader keeps seeing the previous marts until it reconnects, and then sees
  the new ones. A build left 'running' (a killed process) is marked 'aborted' by the next.
- The published file (and the build file) open with the DuckDB 1.5 command line: both
  are written in storage version v1.1.0.
- A build stopped by a malformed delivery is logged 'error', publishes nothing, and
  `kzmig export --latest` exports the last good publication, naming its build.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from unittest import mock

import duckdb
import pytest

from kzmig import cli
from kzmig.project import PROJECT_DIR, KzmigError
from kzmig.publish import published_path, published_path_for

from conftest import FIXTURES_DIR, build_warehouse, copy_warehouse, query

FIXTURE_LANDING = FIXTURES_DIR / "landing_csv"
HEADER = ("coupon_id,coupon_type,registration_date,person_id_hash,sex,birth_date,citizenship,"
          "ethnicity_code,kato_code,counterpart_country,counterpart_kato_code,reason_code,"
          "submitted_at,record_status")
# One arrival from Russia in region 71, June 2023: a month with no coupon in the fixtures.
JUNE_ARRIVAL = "C900,A,2023-06-10,9090909090909090,F,1985-07-01,RUS,002,711010000,RUS,,03,2023-06-20T10:00:00,active"
JUNE_ARRIVALS_SQL = ("select coalesce(sum(arrivals), 0) from marts.migration_monthly "
                     "where release_id = 'latest' and year = 2023 and month = 6")
DUCKDB_CLI = Path(sys.executable).parent / "duckdb"

# A reader in a process of its own: prints the publication's build and June's arrivals
# on start, on "again" (same connection) and on "reconnect" (a new connection).
READER = f"""
import json, sys, duckdb
path = sys.argv[1]
sql = "select (select invocation_id from meta.publication), ({JUNE_ARRIVALS_SQL})"
connection = duckdb.connect(path, read_only=True)
def show():
    print(json.dumps(list(connection.execute(sql).fetchone())), flush=True)
show()
for line in sys.stdin:
    if line.strip() == "reconnect":
        connection.close()
        connection = duckdb.connect(path, read_only=True)
    show()
"""


def publication(path: Path) -> dict:
    with duckdb.connect(str(path), read_only=True) as connection:
        cursor = connection.execute("select * from meta.publication")
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) == 1
    return dict(zip(names, rows[0]))


def last_log_row(database: Path) -> tuple:
    return query(database, """select invocation_id, command, status, finished_at is not null
                              from audit.build_runs order by started_at desc limit 1""")[0]


@pytest.fixture(scope="module")
def published_build(tmp_path_factory) -> Path:
    """The fixture extracts built (and so published) once for this module: the build file."""
    return build_warehouse(tmp_path_factory.mktemp("publication_build"), FIXTURE_LANDING)


def test_a_successful_build_publishes_every_mart_beside_the_build_file(published_build):
    published = published_build.with_name("warehouse_marts.duckdb")
    assert published_path(published_build) == published and published.is_file()
    marts = [row[0] for row in query(published_build, """
        select table_name from duckdb_tables() where schema_name = 'marts' order by 1""")]
    assert len(marts) >= 17 and {"dim_region", "release_key_points", "migration_revisions"} <= set(marts)
    assert [row[0] for row in query(published, """
        select table_name from duckdb_tables() where schema_name = 'marts' order by 1""")] == marts
    for table in marts:
        built = query(published_build, f'select * from marts."{table}" order by all')
        assert query(published, f'select * from marts."{table}" order by all') == built, table
    # the descriptions come along
    assert query(published, "select comment from duckdb_tables() where table_name = 'dim_region'")[0][0]
    # nothing else of the warehouse: no coupon-level schema
    assert {row[0] for row in query(published, "select distinct schema_name from duckdb_tables()")} == {
        "marts", "meta"}
    # the publication names the build of the log
    record = publication(published)
    build_id, command, status, finished = last_log_row(published_build)
    assert (record["invocation_id"], record["command"], record["target_name"]) == (build_id, "build", "duckdb")
    assert (command, status, finished) == ("build", "success", True)
    assert record["mart_count"] == len(marts) and record["data_cutoff"] is None
    assert record["build_started_at"] <= record["build_finished_at"] <= record["published_at"]
    # no temporary file left beside it
    assert sorted(path.name for path in published.parent.glob("*.duckdb*")) == [
        "warehouse.duckdb", "warehouse_marts.duckdb"]


def test_the_release_tables_are_published_with_the_marts(published_build):
    """Every model of the release layer (models/release) is a table of the published file's
    marts schema, with rows for every release of the build and none for `latest`."""
    published = published_build.with_name("warehouse_marts.duckdb")
    models = sorted(path.stem for path in (PROJECT_DIR / "models" / "release").glob("*.sql"))
    assert len(models) == 17 and "release_migration_by_region" in models
    tables = {row[0] for row in query(published, """
        select table_name from duckdb_tables() where schema_name = 'marts'""")}
    assert set(models) <= tables
    releases = {row[0] for row in query(published, """
        select release_id from marts.release_key_points""")}
    assert len(releases) >= 2
    for model in models:
        shown = {row[0] for row in query(published, f"select distinct release_id from marts.{model}")}
        assert shown <= releases and "latest" not in shown, model
    assert {row[0] for row in query(published, """
        select distinct release_id from marts.release_migration_by_region""")} == releases


def test_published_path_is_configurable_and_derived_from_the_build_file(tmp_path, monkeypatch):
    assert published_path_for(tmp_path / "kz_migration.duckdb") == tmp_path / "kz_migration_marts.duckdb"
    assert published_path_for(tmp_path / "wh.db") == tmp_path / "wh.db_marts.duckdb"
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(tmp_path / "b.duckdb"))
    monkeypatch.delenv("KZMIG_PUBLISHED_PATH", raising=False)
    assert published_path() == tmp_path / "b_marts.duckdb"
    monkeypatch.setenv("KZMIG_PUBLISHED_PATH", str(tmp_path / "serving" / "marts.duckdb"))
    assert published_path() == tmp_path / "serving" / "marts.duckdb"


def test_a_reader_keeps_the_old_marts_during_a_build_and_sees_the_new_after_reconnecting(
        published_build, tmp_path):
    database = copy_warehouse(published_build, tmp_path / "build")
    published = published_path(database)
    old = publication(published)
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    (landing / "coupons_2023_07.csv").write_text(HEADER + "\n" + JUNE_ARRIVAL + "\n", encoding="utf-8")
    # a build that was killed: its row stays 'running' until the next build starts
    with duckdb.connect(str(database)) as connection:
        connection.execute("""insert into audit.build_runs (invocation_id, command, target_name,
            started_at, status) values ('killed-build', 'build', 'duckdb', timestamp '2024-01-01', 'running')""")

    reader = subprocess.Popen([sys.executable, "-c", READER, str(published)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        first = json.loads(reader.stdout.readline())
        assert first == [old["invocation_id"], 0]

        build_warehouse(database.parent, landing)  # succeeds while the reader holds the file

        new = publication(published)
        assert new["invocation_id"] != old["invocation_id"]
        assert query(published, JUNE_ARRIVALS_SQL) == [(1,)]
        reader.stdin.write("again\n")
        reader.stdin.flush()
        assert json.loads(reader.stdout.readline()) == [old["invocation_id"], 0]
        reader.stdin.write("reconnect\n")
        reader.stdin.flush()
        assert json.loads(reader.stdout.readline()) == [new["invocation_id"], 1]
    finally:
        reader.stdin.close()
        assert reader.wait(timeout=60) == 0

    assert query(database, "select status, finished_at from audit.build_runs where invocation_id = 'killed-build'") == [
        ("aborted", None)]
    assert last_log_row(database)[1:] == ("build", "success", True)
    assert last_log_row(database)[0] == new["invocation_id"]


def test_the_duckdb_1_5_command_line_opens_the_published_and_the_build_file(published_build):
    version = subprocess.run([str(DUCKDB_CLI), "-version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1.5."), version
    published = published_path(published_build)
    expected = query(published, "select region_code, region_name_en from marts.dim_region order by region_code")
    assert len(expected) > 10
    for path in (published, published_build):
        answer = subprocess.run(
            [str(DUCKDB_CLI), "-readonly", "-csv", "-noheader", str(path), "-c",
             "select region_code, region_name_en from marts.dim_region order by region_code"],
            capture_output=True, text=True, check=True)
        rows = [tuple(line.split(",", 1)) for line in answer.stdout.splitlines()]
        assert rows == [(code, name if "," not in name else f'"{name}"') for code, name in expected], path
    assert query(published, "select tags['storage_version'] from duckdb_databases() "
                            "where database_name = 'warehouse_marts'") == [("v1.0.0+",)]


def test_a_failed_build_keeps_the_last_publication_and_export_names_its_build(
        published_build, tmp_path, capsys):
    database = copy_warehouse(published_build, tmp_path / "build")
    published = published_path(database)
    before = publication(published)
    inode = published.stat().st_ino
    malformed = tmp_path / "malformed"
    shutil.copytree(FIXTURE_LANDING, malformed)
    (malformed / "coupons_2023_06.csv").write_text(
        HEADER + "\nC1,A,2023-01-05,,M,,,001,751110000,RUS,,01,not-a-timestamp,active\n",
        encoding="utf-8")
    with pytest.raises(KzmigError, match="coupons_2023_06.csv"):
        build_warehouse(database.parent, malformed)
    # the stopped build is logged as failed, and nothing was published
    failed_id, command, status, finished = last_log_row(database)
    assert (command, status, finished) == ("build", "error", True)
    assert failed_id != before["invocation_id"]
    assert published.stat().st_ino == inode and publication(published) == before
    capsys.readouterr()

    out = tmp_path / "release"
    assert cli.main(["export", "--latest", "--warehouse", str(database), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"from the publication of build {before['invocation_id']} (dbt build" in printed
    latest = query(published, """select release_id from marts.release_key_points
        order by period_year desc, period_end_month desc,
            case when vintage = 'revised' then 0 else 1 end, cutoff_at desc, release_id desc limit 1""")[0][0]
    document = json.loads((out / latest / "release.json").read_text(encoding="utf-8"))
    assert document["build"]["invocation_id"] == before["invocation_id"]
    assert document["build"]["status"] == "success"
    assert document["build"]["published_at"] == str(before["published_at"])

    # the published file named directly gives the same release
    again = tmp_path / "again"
    assert cli.main(["export", "--latest", "--published", str(published), "--out", str(again)]) == 0
    assert json.loads((again / latest / "release.json").read_text(encoding="utf-8"))["build"][
        "invocation_id"] == before["invocation_id"]


def test_export_refuses_a_warehouse_that_was_never_published(published_build, tmp_path, capsys):
    database = tmp_path / "warehouse.duckdb"
    shutil.copyfile(published_build, database)  # built, but its publication is not there
    code = cli.main(["export", "--latest", "--warehouse", str(database), "--out", str(tmp_path / "out")])
    assert code == 1
    error = capsys.readouterr().err
    assert f"no published warehouse at {tmp_path / 'warehouse_marts.duckdb'}" in error
    assert "no build has succeeded yet" in error
    assert not (tmp_path / "out").exists()


# --- PostgreSQL: bi_reader sees the previous marts or the new ones, never a mix ----------

PG_DATABASE = "kz_migration_publication_test"


@pytest.mark.skipif(os.environ.get("KZMIG_SKIP_POSTGRES") == "1",
                    reason="KZMIG_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
def test_bi_reader_keeps_the_old_marts_in_its_transaction_during_a_postgres_build(tmp_path):
    import psycopg2

    from test_postgres import BI_PASSWORD, BI_ROLE, connect, fresh_database, pg_query, postgres_script

    if os.geteuid() != 0:
        pytest.fail("the PostgreSQL tests start a local server and must run as root "
                    "(or set KZMIG_SKIP_POSTGRES=1)")
    postgres_script("start")
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    with mock.patch.dict(os.environ, fresh_database(PG_DATABASE)):
        build_warehouse(tmp_path / "first", landing, target="postgres")
    marts = [row[0] for row in pg_query(PG_DATABASE, """
        select table_name from information_schema.tables where table_schema = 'marts' order by 1""")]
    assert len(marts) >= 17 and "migration_revisions" in marts
    # the private build schema holds the same tables; bi_reader cannot look into it
    assert [row[0] for row in pg_query(PG_DATABASE, """
        select table_name from information_schema.tables where table_schema = 'marts_build'
        order by 1""")] == marts
    first_id = pg_query(PG_DATABASE, "select invocation_id from audit.publications")[0][0]

    (landing / "coupons_2023_07.csv").write_text(HEADER + "\n" + JUNE_ARRIVAL + "\n", encoding="utf-8")
    reader = connect(PG_DATABASE, user=BI_ROLE, password=BI_PASSWORD)
    outcome: dict = {}
    try:
        cursor = reader.cursor()
        cursor.execute(JUNE_ARRIVALS_SQL)  # opens the reader's transaction (read committed)
        assert cursor.fetchall() == [(0,)]
        cursor.execute("select count(*) from marts.dim_region")
        regions = cursor.fetchall()

        def second_build():
            try:
                with mock.patch.dict(os.environ, {"KZMIG_PG_DATABASE": PG_DATABASE}):
                    build_warehouse(tmp_path / "second", landing, target="postgres")
                outcome["ok"] = True
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                outcome["error"] = error

        builder = threading.Thread(target=second_build)
        builder.start()
        # the build runs to its publication, which waits for the reader's transaction
        deadline = time.monotonic() + 600
        while builder.is_alive() and time.monotonic() < deadline:
            waiting = pg_query(PG_DATABASE, """
                select count(*) from pg_stat_activity
                where datname = %s and query like %s and state = 'active'""",
                (PG_DATABASE, "%lock table%"))[0][0]
            if waiting:
                break
            time.sleep(0.5)
        assert builder.is_alive(), outcome
        time.sleep(2)
        # still the old set, also for a mart this transaction had not read yet
        cursor.execute(JUNE_ARRIVALS_SQL)
        assert cursor.fetchall() == [(0,)]
        cursor.execute("select count(*) from marts.release_key_points")
        cursor.execute("select count(*) from marts.dim_region")
        assert cursor.fetchall() == regions
        reader.commit()  # the transaction ends: the publication goes ahead
        builder.join(timeout=600)
        assert outcome == {"ok": True}
        cursor.execute(JUNE_ARRIVALS_SQL)
        assert cursor.fetchall() == [(1,)]
        reader.commit()
        # bi_reader keeps its grants on the new tables, and nothing else
        for table in marts:
            cursor.execute(f'select count(*) from marts."{table}"')
            assert cursor.fetchone()[0] == pg_query(PG_DATABASE, f'select count(*) from marts."{table}"')[0][0]
        reader.commit()
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cursor.execute("select count(*) from marts_build.dim_region")
        reader.rollback()
    finally:
        reader.close()
    published = pg_query(PG_DATABASE, "select invocation_id from audit.publications order by published_at")
    assert [row[0] for row in published][0] == first_id and len(published) == 2
    assert pg_query(PG_DATABASE, """select status from audit.build_runs order by started_at""") == [
        ("success",), ("success",)]
    assert pg_query(PG_DATABASE, """select count(*) from pg_namespace
        where nspname in ('marts_next', 'marts_previous')""") == [(0,)]
