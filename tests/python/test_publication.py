"""The published marts: the copy of schema `marts` that analysts, BI tools and the export
read, replaced whole only after a successful build (macros/publish, kzmig.publish).

- Readers see each publication: each publication is a file of its own behind the
  published name (a symbolic link swapped atomically). A build succeeds while readers
  hold connections to the published file, in another process and in this one; they
  keep seeing the previous marts, and a new connection, in this process too (DuckDB's
  instance cache is keyed by the resolved path), sees the new ones. Old publications
  are removed by later ones, never the previous one nor one a reader holds.
  A build left 'running' (a killed process) is marked 'aborted' by the next.
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
from kzmig.publish import (finish_publication, publications_folder, published_path, published_path_for,
                           read_publication, start_publication)

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
    assert list(record) == PUBLICATION_COLUMNS  # as meta.publication on PostgreSQL
    assert record["build_started_at"] <= record["build_finished_at"] <= record["published_at"]
    # the published name leads to the one publication, in a folder of its own; no
    # temporary file or folder left
    assert sorted(path.name for path in published.parent.glob("*.duckdb*")) == [
        "warehouse.duckdb", "warehouse_marts.duckdb"]
    assert published.is_symlink() and not os.path.isabs(os.readlink(published))
    folder = publications_folder(published)
    assert folder == published.with_name("warehouse_marts.publications")
    [only] = list(folder.iterdir())
    assert only.name.endswith(f"-{record['invocation_id']}")
    assert published.resolve() == only / "warehouse_marts.duckdb"
    assert [path.name for path in only.iterdir()] == ["warehouse_marts.duckdb"]


def test_the_release_tables_are_published_with_the_marts(published_build):
    """Every model of the release layer (models/release) is a table of the published file's
    marts schema, with rows for every release of the build and for `latest` (its period:
    the doc block latest_period_rule), and no release the key points do not hold."""
    published = published_build.with_name("warehouse_marts.duckdb")
    models = sorted(path.stem for path in (PROJECT_DIR / "models" / "release").glob("*.sql"))
    # the tables of the release and what the export reads beside them (the list of releases,
    # the years of the dynamic tables, titles and headers, SDMX)
    assert {"release_migration_by_region", "release_list", "release_dynamic_years",
            "release_table_titles", "release_table_headers", "release_sdmx_observations",
            "release_sdmx_codes"} <= set(models)
    tables = {row[0] for row in query(published, """
        select table_name from duckdb_tables() where schema_name = 'marts'""")}
    assert set(models) <= tables
    releases = {row[0] for row in query(published, """
        select release_id from marts.release_key_points""")}
    assert len(releases) >= 3 and "latest" in releases
    by_release = {row[0] for row in query(published, """
        select table_name from duckdb_columns()
        where schema_name = 'marts' and column_name = 'release_id'""")}
    # every model but the titles, headers and SDMX code lists holds rows by release
    assert set(models) - by_release == {"release_table_titles", "release_table_headers",
                                        "release_sdmx_codes"} - by_release
    for model in sorted(set(models) & by_release):
        shown = {row[0] for row in query(published, f"select distinct release_id from marts.{model}")}
        assert shown <= releases, model
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


def publish_small(final: Path, invocation_id: str) -> Path:
    """Publish a tiny file (meta.publication with `invocation_id`) as the hook does:
    kzmig.publish.start_publication, write and detach, finish_publication."""
    temporary, published = start_publication(str(final.with_name("build.duckdb")), str(final), invocation_id)
    with duckdb.connect() as connection:
        connection.execute(f"attach '{temporary}' as kzmig_publication (storage_version 'v1.1.0')")
        connection.execute("create schema kzmig_publication.meta")
        connection.execute("create table kzmig_publication.meta.publication as select ? as invocation_id",
                           [invocation_id])
        connection.execute("detach kzmig_publication")
    return finish_publication(temporary, published)


def small_publication(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as connection:
        return read_publication(connection)["invocation_id"]


def publications_left(final: Path) -> list[str]:
    return [folder.name.split("-", 1)[1] for folder in sorted(publications_folder(final).iterdir())]


def test_readers_see_each_publication_in_a_file_of_its_own_and_old_ones_go_when_nobody_holds_them(tmp_path):
    final = tmp_path / "serving" / "kz_migration_marts.duckdb"
    # the layout before publications had files of their own: one file at the published
    # name, held by a reader; an interrupted publication's temporary file beside it
    final.parent.mkdir()
    with duckdb.connect() as connection:
        connection.execute(f"attach '{final}' as old (storage_version 'v1.1.0')")
        connection.execute("create schema old.meta")
        connection.execute("create table old.meta.publication as select 'plain-file' as invocation_id")
        connection.execute("detach old")
    (final.parent / f".{final.name}.tmp-interrupted").write_bytes(b"half")
    plain = duckdb.connect(str(final), read_only=True)

    assert publish_small(final, "a") == final
    assert final.is_symlink() and small_publication(final) == "a"
    assert plain.execute("select invocation_id from meta.publication").fetchone() == ("plain-file",)
    assert sorted(path.name for path in final.parent.iterdir()) == [
        "kz_migration_marts.duckdb", "kz_migration_marts.publications"]
    plain.close()

    # a connection held in this process keeps its publication; a new one sees the new
    held_a = duckdb.connect(str(final), read_only=True)
    publish_small(final, "b")
    assert small_publication(final) == "b"
    assert held_a.execute("select invocation_id from meta.publication").fetchone() == ("a",)
    # 'a' is the previous publication: kept
    assert publications_left(final) == ["a", "b"]
    publish_small(final, "c")
    # 'a' is neither current nor previous, but held: kept
    assert publications_left(final) == ["a", "b", "c"]
    assert held_a.execute("select invocation_id from meta.publication").fetchone() == ("a",)
    held_a.close()
    publish_small(final, "d")
    # nobody holds 'a' and 'b' any more, 'c' is the previous one
    assert publications_left(final) == ["c", "d"]

    # a reader in another process (the DuckDB command line, read-only) holding 'd'
    cli = subprocess.Popen([str(DUCKDB_CLI), "-readonly", "-csv", "-noheader", str(final)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        cli.stdin.write("select invocation_id from meta.publication;\n")
        cli.stdin.flush()
        assert cli.stdout.readline().strip() == "d"
        publish_small(final, "e")
        publish_small(final, "f")
        assert publications_left(final) == ["d", "e", "f"]
        cli.stdin.write("select invocation_id from meta.publication;\n")
        cli.stdin.flush()
        assert cli.stdout.readline().strip() == "d"
    finally:
        cli.stdin.close()
        assert cli.wait(timeout=60) == 0
    publish_small(final, "g")
    assert publications_left(final) == ["f", "g"] and small_publication(final) == "g"


def test_readers_see_each_publication_an_interrupted_publication_is_cleared_by_the_next(tmp_path):
    final = tmp_path / "kz_migration_marts.duckdb"
    publish_small(final, "a")
    # a publication stopped after its file was written, and one stopped before its swap
    temporary, _ = start_publication(str(tmp_path / "build.duckdb"), str(final), "stopped")
    temporary.write_bytes(b"half")
    (tmp_path / f".{final.name}.tmp-stopped").symlink_to("nowhere")
    assert small_publication(final) == "a"
    publish_small(final, "b")
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "kz_migration_marts.duckdb", "kz_migration_marts.publications"]
    assert publications_left(final) == ["a", "b"] and small_publication(final) == "b"


def test_readers_see_each_publication_held_connections_keep_theirs_and_new_ones_see_the_new(
        published_build, tmp_path):
    """A reader in another process and connections held in this one (a notebook, a BI
    server's pool) keep the marts they opened while a build publishes; a new connection,
    in this very process too, opens the new publication, and so does the DuckDB command
    line on the published name."""
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
    sql = f"select (select invocation_id from meta.publication), ({JUNE_ARRIVALS_SQL})"

    reader = subprocess.Popen([sys.executable, "-c", READER, str(published)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    held = duckdb.connect(str(published), read_only=True)  # held in this process
    try:
        first = json.loads(reader.stdout.readline())
        assert first == [old["invocation_id"], 0]
        assert held.execute(sql).fetchone() == (old["invocation_id"], 0)

        build_warehouse(database.parent, landing)  # succeeds while the readers hold the file

        # a new connection in this process, which still holds one to the old publication
        with duckdb.connect(str(published), read_only=True) as fresh:
            new = read_publication(fresh)
            assert fresh.execute(sql).fetchone() == (new["invocation_id"], 1)
        assert new["invocation_id"] != old["invocation_id"]
        assert held.execute(sql).fetchone() == (old["invocation_id"], 0)
        # kzmig export, in this process too, reads the current publication
        out = tmp_path / "release"
        assert cli.main(["export", "--latest", "--warehouse", str(database), "--out", str(out)]) == 0
        [exported] = [json.loads(path.read_text(encoding="utf-8")) for path in out.glob("*/release.json")]
        assert exported["build"]["invocation_id"] == new["invocation_id"]
        # DuckDB's catalog name is the published name's, whichever publication it leads to
        assert {row[0] for row in held.execute(
            "select database_name from duckdb_databases() where not internal").fetchall()} == {
            "warehouse_marts"}
        answer = subprocess.run([str(DUCKDB_CLI), "-readonly", "-csv", "-noheader", str(published), "-c",
                                 "select invocation_id from warehouse_marts.meta.publication"],
                                capture_output=True, text=True, check=True)
        assert answer.stdout.split() == [new["invocation_id"]]
        reader.stdin.write("again\n")
        reader.stdin.flush()
        assert json.loads(reader.stdout.readline()) == [old["invocation_id"], 0]
        reader.stdin.write("reconnect\n")
        reader.stdin.flush()
        assert json.loads(reader.stdout.readline()) == [new["invocation_id"], 1]
    finally:
        held.close()
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
        cursor.execute("select invocation_id from meta.publication")  # the record of these marts
        assert cursor.fetchall() == [(first_id,)]

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
        cursor.execute("select invocation_id from meta.publication")
        assert cursor.fetchall() == [(first_id,)]
        reader.commit()  # the transaction ends: the publication goes ahead
        builder.join(timeout=600)
        assert outcome == {"ok": True}
        cursor.execute(JUNE_ARRIVALS_SQL)
        assert cursor.fetchall() == [(1,)]
        cursor.execute("select invocation_id from meta.publication")
        record = cursor.fetchall()
        assert record == pg_query(
            PG_DATABASE, "select invocation_id from audit.publications order by published_at desc limit 1")
        assert record != [(first_id,)]
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


PG_RECORD_DATABASE = "kz_migration_publication_record_test"
PUBLICATION_COLUMNS = ["invocation_id", "command", "target_name", "build_started_at", "build_finished_at",
                       "data_cutoff", "mart_count", "published_at", "has_synthetic_data"]


@pytest.mark.skipif(os.environ.get("KZMIG_SKIP_POSTGRES") == "1",
                    reason="KZMIG_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
def test_readers_see_each_publication_bi_reader_reads_the_publication_record_on_postgres(tmp_path):
    """bi_reader reads meta.publication beside the marts: the publication's row of
    audit.publications (which it cannot read), the same columns as the DuckDB file's
    meta.publication, replaced by the next build; and it is denied everything else."""
    import psycopg2

    from test_postgres import BI_PASSWORD, BI_ROLE, connect, fresh_database, pg_query, postgres_script

    if os.geteuid() != 0:
        pytest.fail("the PostgreSQL tests start a local server and must run as root "
                    "(or set KZMIG_SKIP_POSTGRES=1)")
    postgres_script("start")
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)

    def as_bi_reader(sql: str) -> tuple[list[str], list[tuple]]:
        reader = connect(PG_RECORD_DATABASE, user=BI_ROLE, password=BI_PASSWORD)
        try:
            with reader.cursor() as cursor:
                cursor.execute(sql)
                return [column.name for column in cursor.description], cursor.fetchall()
        finally:
            reader.close()

    def latest_in_audit() -> tuple:
        return pg_query(PG_RECORD_DATABASE, f"""select {', '.join(PUBLICATION_COLUMNS)}
            from audit.publications order by published_at desc limit 1""")[0]

    with mock.patch.dict(os.environ, fresh_database(PG_RECORD_DATABASE)):
        build_warehouse(tmp_path / "first", landing, target="postgres")
    columns, rows = as_bi_reader("select * from meta.publication")
    assert columns == PUBLICATION_COLUMNS
    assert rows == [latest_in_audit()]
    first = dict(zip(columns, rows[0]))
    marts = pg_query(PG_RECORD_DATABASE,
                     "select count(*) from information_schema.tables where table_schema = 'marts'")[0][0]
    assert (first["command"], first["target_name"], first["data_cutoff"]) == ("build", "postgres", None)
    assert first["mart_count"] == marts and first["has_synthetic_data"] is False
    assert first["build_started_at"] <= first["build_finished_at"] <= first["published_at"]
    assert pg_query(PG_RECORD_DATABASE, """select invocation_id, status from audit.build_runs""") == [
        (first["invocation_id"], "success")]
    assert pg_query(PG_RECORD_DATABASE, "select obj_description('meta.publication'::regclass)")[0][0].startswith(
        "The build these marts come from (one row)")

    # what bi_reader is denied: every relation outside marts and meta (the raw table,
    # staging, intermediate, audit with audit.publications, reference, marts_build) ...
    outside = pg_query(PG_RECORD_DATABASE, """
        select n.nspname, c.relname from pg_class as c inner join pg_namespace as n on c.relnamespace = n.oid
        where c.relkind in ('r', 'v', 'm', 'p', 'f')
            and n.nspname not in ('marts', 'meta', 'pg_catalog', 'information_schema')
            and n.nspname !~ '^pg_toast'
        order by 1, 2""")
    assert {schema for schema, _ in outside} >= {
        "landing", "staging", "intermediate", "audit", "reference", "marts_build"}
    assert ("audit", "publications") in outside and ("landing", "coupon_extract_rows") in outside
    for schema, name in outside:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
            as_bi_reader(f'select * from "{schema}"."{name}" limit 1')
    # ... changing the record, the marts, or creating anything
    for statement in ["delete from meta.publication",
                      "update meta.publication set mart_count = 0",
                      "insert into meta.publication select * from meta.publication",
                      "create table meta.bi_scratch (x integer)",
                      "create table marts.bi_scratch (x integer)",
                      "create table public.bi_scratch (x integer)",
                      "create schema bi_scratch",
                      "delete from marts.dim_region"]:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
            as_bi_reader(statement)
    # What it can see of the other schemas is the catalog (names of schemas, tables and
    # columns, as any role may), not their rows: information_schema lists only what it
    # may read, and pg_stats (the planner's sample values) nothing outside marts and meta.
    _, listed = as_bi_reader("select distinct table_schema from information_schema.tables "
                             "where table_schema not in ('pg_catalog', 'information_schema') order by 1")
    assert listed == [("marts",), ("meta",)]
    _, described = as_bi_reader("""
        select c.relname, obj_description(c.oid, 'pg_class') from pg_class as c
        inner join pg_namespace as n on c.relnamespace = n.oid
        where n.nspname = 'landing' and c.relname = 'coupon_extract_rows'""")
    assert described == pg_query(PG_RECORD_DATABASE, """
        select 'coupon_extract_rows', obj_description('landing.coupon_extract_rows'::regclass)""")
    _, counted = as_bi_reader("select relname from pg_stat_user_tables where schemaname = 'landing'")
    assert ("coupon_extract_rows",) in counted
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied for schema landing"):
        as_bi_reader("select obj_description('landing.coupon_extract_rows'::regclass)")
    _, sampled = as_bi_reader("select distinct schemaname from pg_stats "
                              "where schemaname not in ('pg_catalog', 'information_schema') order by 1")
    assert set(sampled) <= {("marts",), ("meta",)}
    assert pg_query(PG_RECORD_DATABASE, "select count(*) from pg_stats where schemaname = 'landing'")[0][0] > 0

    # a new build, with a cut-off, replaces the record in the transaction of its marts
    (landing / "coupons_2023_07.csv").write_text(HEADER + "\n" + JUNE_ARRIVAL + "\n", encoding="utf-8")
    with mock.patch.dict(os.environ, {"KZMIG_PG_DATABASE": PG_RECORD_DATABASE}):
        build_warehouse(tmp_path / "second", landing, target="postgres", cutoff="2023-07-31T23:59:59")
    columns, rows = as_bi_reader("select * from meta.publication")
    assert rows == [latest_in_audit()]
    second = dict(zip(columns, rows[0]))
    assert second["invocation_id"] != first["invocation_id"]
    assert second["data_cutoff"] == "2023-07-31T23:59:59"
    assert second["published_at"] > first["published_at"]
    assert pg_query(PG_RECORD_DATABASE, "select count(*) from audit.publications") == [(2,)]
    _, june = as_bi_reader(JUNE_ARRIVALS_SQL)
    assert june == [(1,)]
