"""The same warehouse on a real PostgreSQL server.

The session starts a local server with scripts/postgres.sh (installing Debian's
postgresql package when it is missing), loads the calibrated world with
`kzmig load --target postgres` into a fresh database, builds it with dbt on the
postgres target, and then checks that

- every public mart (schema marts) is identical, row by row, to the DuckDB build, and
  every input row gets the same outcome;
- the hand-written extracts (tests/fixtures) get every expected outcome on PostgreSQL
  too, with and without a cut-off, and a malformed delivery stops the build;
- the read-only role bi_reader reads the marts and gets "permission denied" on
  everything else (the raw landing table, staging, intermediate, audit, reference, and
  marts_build, where the build writes the marts before publishing them into marts);
- loading the same deliveries again loads nothing, the loader keeps the file name,
  the row number and the empty-is-NULL convention of the DuckDB path, and it refuses a
  changed delivery, a wrong header and a broken line, naming the file.

The server is stopped by scripts/test.sh at the end of the test command. Set
KZMIG_SKIP_POSTGRES=1 to skip this module (for example on a machine where you are
not root); otherwise a server that cannot be started is a failure, not a skip.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import json
import math
import os
import shutil
import subprocess
import time
from pathlib import Path
from unittest import mock

import duckdb
import pytest

from kzmig.project import PROJECT_DIR, KzmigError

from conftest import build_warehouse

TEST_DATABASE = "kz_migration_test"
LOADER_DATABASE = "kz_migration_loader_test"
BI_ROLE = "bi_reader"
BI_PASSWORD = os.environ.get("KZMIG_PG_BI_PASSWORD", "bi_reader")
POSTGRES_SCRIPT = PROJECT_DIR / "scripts" / "postgres.sh"
# Relative tolerance for double-precision columns (percentages, rates): the engines
# may add in a different order, nothing more.
FLOAT_TOLERANCE = 1e-9
# The public marts (schema marts), each holding every evaluation (release_id) of the build
# where it has that column; the three contracted monthly marts are the `latest` one.
PUBLIC_MARTS = sorted([
    "dim_country", "dim_ethnic_group", "dim_region", "dim_release",
    "external_migration_by_country_annual", "external_migration_by_country_monthly",
    "external_migration_by_ethnic_group_cumulative", "interregional_flows_annual",
    "interregional_flows_monthly", "migration_annual", "migration_by_region_annual",
    "migration_intensity_annual",
    "migration_by_region_monthly", "migration_key_figures_cumulative", "migration_monthly",
    "migration_revisions", "net_migration_monthly", "release_key_points",
    "migration_by_sex_and_age_annual", "migration_by_reason_annual",
    "external_migration_by_citizenship_annual",
    # the release tables (models/release) are built into schema marts and published with them
    *(path.stem for path in (PROJECT_DIR / "models" / "release").glob("release_*.sql")),
])

pytestmark = pytest.mark.skipif(os.environ.get("KZMIG_SKIP_POSTGRES") == "1",
                                reason="KZMIG_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")

HEADER = ("coupon_id,coupon_type,registration_date,person_id_hash,sex,birth_date,citizenship,ethnicity_code,"
          "kato_code,counterpart_country,counterpart_kato_code,reason_code,submitted_at,record_status")


def postgres_script(*args: str) -> None:
    completed = subprocess.run(["bash", str(POSTGRES_SCRIPT), *args], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, timeout=900)
    if completed.returncode != 0:
        pytest.fail(f"scripts/postgres.sh {' '.join(args)} failed (exit {completed.returncode}):\n"
                    f"{completed.stdout[-4000:]}\nSet KZMIG_SKIP_POSTGRES=1 to skip the PostgreSQL tests.")


def connect(database: str, user: str | None = None, password: str | None = None):
    from kzmig.load import connect as kzmig_connect

    overrides = {"dbname": database}
    if user is not None:
        overrides.update(user=user, password=password)
    return kzmig_connect(**overrides)


def pg_query(database: str, sql: str, parameters: tuple = ()) -> list[tuple]:
    connection = connect(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            return cursor.fetchall()
    finally:
        connection.close()


@pytest.fixture(scope="session")
def postgres_server(step) -> None:
    """A running local server with the roles kzmig and bi_reader."""
    if os.geteuid() != 0:
        pytest.fail("the PostgreSQL tests install and start a local server and must run as root "
                    "(or set KZMIG_SKIP_POSTGRES=1)")
    with step(f"starting PostgreSQL (cluster {os.environ.get('KZMIG_PG_CLUSTER', 'main')})"):
        postgres_script("start")


def fresh_database(name: str) -> dict[str, str]:
    """Drop and re-create a database; the environment that points kzmig and dbt at it."""
    postgres_script("reset-db", name)
    return {"KZMIG_PG_DATABASE": name}


def drop_database(name: str) -> None:
    """Drop a database of the tests (its owner kzmig may), to give its disk back."""
    connection = connect("postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'drop database if exists "{name}" with (force)')
    finally:
        connection.close()


@pytest.fixture(scope="module")
def postgres_warehouse(postgres_server, tmp_path_factory, calibrated_world, step):
    """The calibrated world loaded into a fresh database and built there; its name.

    The database (about 4.5 GB) is dropped when this module's tests are done.
    """
    from kzmig.load import load

    environment = fresh_database(TEST_DATABASE)
    with mock.patch.dict(os.environ, environment):
        with step("loading the calibrated world into PostgreSQL"):
            load(calibrated_world, quiet=True)
        with step("building the calibrated world on PostgreSQL"):
            build_warehouse(tmp_path_factory.mktemp("postgres_build"), calibrated_world, target="postgres")
    yield TEST_DATABASE
    drop_database(TEST_DATABASE)


# --- marts: DuckDB and PostgreSQL row by row ---------------------------------------


def normalise(value):
    """One representation per value, whichever engine and driver produced it."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return value


def sort_key(row: tuple) -> tuple:
    # Floats sort by a rounded value so that a last-digit difference cannot reorder rows.
    return tuple((value is None, type(value).__name__,
                  round(value, 6) if isinstance(value, float) else value) for value in row)


def same_value(left, right) -> bool:
    if isinstance(left, float) or isinstance(right, float):
        if left is None or right is None:
            return left is right
        return math.isclose(left, right, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
    return left == right


def duckdb_table(database: Path, table: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        cursor = connection.execute(f'select * from marts."{table}"')
        columns = [column[0] for column in cursor.description]
        return columns, cursor.fetchall()


def postgres_table(database: str, table: str) -> tuple[list[str], list[tuple]]:
    connection = connect(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'select * from marts."{table}"')
            columns = [column.name for column in cursor.description]
            return columns, cursor.fetchall()
    finally:
        connection.close()


def mart_tables_duckdb(database: Path) -> list[str]:
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()
    return [row[0] for row in rows]


def mart_tables_postgres(database: str) -> list[str]:
    rows = pg_query(database,
                    "select table_name from information_schema.tables where table_schema = 'marts' order by 1")
    return [row[0] for row in rows]


def test_postgres_builds_the_same_marts(postgres_warehouse, calibrated_warehouse, calibrated_world):
    duckdb_marts = mart_tables_duckdb(calibrated_warehouse)
    assert duckdb_marts == PUBLIC_MARTS
    assert mart_tables_postgres(postgres_warehouse) == duckdb_marts
    # the synthetic mark: kzmig load records the world's manifest, the marts and the
    # publication say the warehouse holds synthetic data (tests/python/test_synthetic_mark.py)
    assert pg_query(postgres_warehouse, """
        select
            (select count(*) from landing.synthetic_manifest_files),
            (select bool_and(is_synthetic) from intermediate.int_coupon_deliveries_marked),
            (select bool_and(has_synthetic_data) from marts.dim_release),
            (select bool_and(has_synthetic_data) from audit.publications)""") == [
        (len(list(calibrated_world.glob("coupons_*.csv"))), True, True, True)]


def test_every_mart_is_identical_on_duckdb_and_postgres(postgres_warehouse, calibrated_warehouse):
    differences = []
    compared_rows = 0
    for table in mart_tables_duckdb(calibrated_warehouse):
        duck_columns, duck_rows = duckdb_table(calibrated_warehouse, table)
        pg_columns, pg_rows = postgres_table(postgres_warehouse, table)
        if duck_columns != pg_columns:
            differences.append(f"{table}: columns differ: {duck_columns} vs {pg_columns}")
            continue
        if len(duck_rows) != len(pg_rows):
            differences.append(f"{table}: {len(duck_rows)} rows on DuckDB, {len(pg_rows)} on PostgreSQL")
            continue
        duck_sorted = sorted((tuple(map(normalise, row)) for row in duck_rows), key=sort_key)
        pg_sorted = sorted((tuple(map(normalise, row)) for row in pg_rows), key=sort_key)
        for duck_row, pg_row in zip(duck_sorted, pg_sorted):
            if not all(same_value(left, right) for left, right in zip(duck_row, pg_row)):
                differences.append(f"{table}: DuckDB {duck_row} vs PostgreSQL {pg_row}")
                break
        compared_rows += len(duck_rows)
    assert not differences, "\n".join(differences)
    assert compared_rows > 0, "every mart is empty: nothing was compared"


def test_every_input_row_gets_the_same_outcome_on_both_engines(postgres_warehouse, calibrated_warehouse):
    """The account of every input row (audit.coupon_outcomes), per file, outcome and reason."""
    sql = ("select source_file, outcome, coalesce(reject_reason, ''), count(*) from audit.coupon_outcomes"
           " group by source_file, outcome, reject_reason order by 1, 2, 3")
    with duckdb.connect(str(calibrated_warehouse), read_only=True) as connection:
        duckdb_outcomes = connection.execute(sql).fetchall()
    assert duckdb_outcomes, "the DuckDB build has no outcomes"
    assert pg_query(postgres_warehouse, sql) == duckdb_outcomes


def test_the_tests_run_on_a_throwaway_cluster_without_durability(postgres_server):
    """scripts/test.sh and conftest point the tests at the scratch cluster kzmig_test."""
    settings = dict(pg_query("postgres", "select name, setting from pg_settings where name in"
                                         " ('cluster_name', 'port', 'fsync', 'synchronous_commit',"
                                         " 'full_page_writes', 'wal_level')"))
    assert settings == {"cluster_name": f"15/{os.environ['KZMIG_PG_CLUSTER']}",
                        "port": os.environ["KZMIG_PG_PORT"], "fsync": "off", "synchronous_commit": "off",
                        "full_page_writes": "off", "wal_level": "minimal"}
    assert os.environ["KZMIG_PG_CLUSTER"] != "main"


def test_scratch_settings_are_refused_on_the_cluster_main():
    completed = subprocess.run(["bash", str(POSTGRES_SCRIPT), "start"], capture_output=True, text=True,
                               timeout=60, env={**os.environ, "KZMIG_PG_CLUSTER": "main",
                                                "KZMIG_PG_PORT": "5432", "KZMIG_PG_SCRATCH": "1"})
    assert completed.returncode == 1
    assert "KZMIG_PG_SCRATCH=1 turns durability off: not on the cluster main" in completed.stderr


def test_the_report_shows_a_running_statement_and_the_log(postgres_server):
    """What scripts/test.sh prints when the tests fail: the sessions at work and the log."""
    import threading

    sleeper = threading.Thread(target=pg_query, args=("postgres", "select pg_sleep(4) as kzmig_report_probe"))
    sleeper.start()
    try:
        deadline = time.monotonic() + 3
        while not pg_query("postgres", "select count(*) from pg_stat_activity where query like %s"
                                       " and state = 'active'", ("%as kzmig_report_probe",))[0][0]:
            assert time.monotonic() < deadline, "the probe statement never started"
            time.sleep(0.1)
        completed = subprocess.run(["bash", str(POSTGRES_SCRIPT), "report"], capture_output=True, text=True,
                                   timeout=60)
    finally:
        sleeper.join()
    assert completed.returncode == 0, completed.stderr
    cluster = f"15/{os.environ['KZMIG_PG_CLUSTER']}"
    assert f"postgres.sh: cluster {cluster}: online" in completed.stdout
    assert "select pg_sleep(4) as kzmig_report_probe" in completed.stdout
    assert f"the last 40 lines of /var/log/postgresql/postgresql-15-{os.environ['KZMIG_PG_CLUSTER']}.log" \
        in completed.stdout


def test_comparison_sees_a_difference():
    """The normalisation that makes the engines comparable does not hide real differences."""
    assert same_value(normalise(decimal.Decimal("12.0")), 12)
    assert same_value(normalise(decimal.Decimal("0.1")), 0.1 + 1e-15)
    assert not same_value(normalise(decimal.Decimal("12.1")), 12)
    assert not same_value(0.1, 0.1001)
    assert not same_value(None, 0.0)
    assert sorted([(2, 0.3), (1, None)], key=sort_key) == [(1, None), (2, 0.3)]


# --- bi_reader ----------------------------------------------------------------------


def relations_outside_marts(database: str) -> list[tuple[str, str]]:
    return pg_query(
        database,
        """
        select table_schema, table_name
        from information_schema.tables
        where table_schema in ('landing', 'staging', 'intermediate', 'audit', 'reference', 'public',
                               'marts_build')
        order by 1, 2
        """,
    )


def select_as_bi_reader(database: str, sql: str):
    connection = connect(database, user=BI_ROLE, password=BI_PASSWORD)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        connection.close()


def test_bi_reader_reads_every_mart(postgres_warehouse):
    for table in mart_tables_postgres(postgres_warehouse):
        owner_count = pg_query(postgres_warehouse, f'select count(*) from marts."{table}"')[0][0]
        assert select_as_bi_reader(postgres_warehouse, f'select count(*) from marts."{table}"') == [(owner_count,)]


def test_the_release_tables_are_in_the_swapped_marts(postgres_warehouse):
    """The release tables (models/release) are built into marts_build with the marts and
    swapped into marts, where the BI role reads them (their figures equal DuckDB's:
    test_every_mart_is_identical_on_duckdb_and_postgres)."""
    models = sorted(path.stem for path in (PROJECT_DIR / "models" / "release").glob("*.sql"))
    assert set(models) <= set(mart_tables_postgres(postgres_warehouse))
    rows = select_as_bi_reader(postgres_warehouse, """
        select row_level, region_name_en from marts.release_migration_by_region
        where release_id = '2023-12-p' order by row_order limit 1""")
    assert rows == [("total", "Republic of Kazakhstan")]


@pytest.mark.parametrize("schema", ["landing", "staging", "intermediate", "audit", "reference",
                                    "marts_build"])
def test_bi_reader_is_denied_outside_the_marts(postgres_warehouse, schema):
    import psycopg2

    relations = [name for relation_schema, name in relations_outside_marts(postgres_warehouse)
                 if relation_schema == schema]
    assert relations, f"schema {schema} has no relations on PostgreSQL"
    for name in relations:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
            select_as_bi_reader(postgres_warehouse, f'select * from {schema}."{name}" limit 1')


def test_bi_reader_is_denied_the_raw_table_and_a_staging_model(postgres_warehouse):
    import psycopg2

    staging_models = [name for schema, name in relations_outside_marts(postgres_warehouse) if schema == "staging"]
    for relation in ["landing.coupon_extract_rows", f'staging."{staging_models[0]}"']:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
            select_as_bi_reader(postgres_warehouse, f"select count(*) from {relation}")


def test_bi_reader_cannot_create_or_change_anything(postgres_warehouse):
    import psycopg2

    table = mart_tables_postgres(postgres_warehouse)[0]
    for statement in ["create table marts.bi_scratch (x integer)",
                      "create table public.bi_scratch (x integer)",
                      f'delete from marts."{table}"']:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
            select_as_bi_reader(postgres_warehouse, statement)


# --- the hand-written extracts: every rule of the spec on PostgreSQL ----------------------

FIXTURE_LANDING = PROJECT_DIR / "tests" / "fixtures" / "landing_csv"
FIXTURE_DATABASE = "kz_migration_fixture_test"
FEBRUARY_CUTOFF = "2023-02-28T23:59:59"


def read_fixture(name: str) -> list[dict[str, str]]:
    with open(PROJECT_DIR / "tests" / "fixtures" / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.fixture(scope="module")
def fixture_database(postgres_server) -> str:
    """The hand-written extracts loaded into a fresh database."""
    from kzmig.load import load

    with mock.patch.dict(os.environ, fresh_database(FIXTURE_DATABASE)):
        load(FIXTURE_LANDING, quiet=True)
    return FIXTURE_DATABASE


@pytest.mark.parametrize("cutoff, expected_file", [
    (None, "expected_outcomes.csv"),
    (FEBRUARY_CUTOFF, "expected_outcomes_cutoff_2023-02-28.csv"),
])
def test_every_fixture_row_gets_its_expected_outcome_on_postgres(fixture_database, tmp_path, cutoff, expected_file):
    with mock.patch.dict(os.environ, {"KZMIG_PG_DATABASE": fixture_database}):
        build_warehouse(tmp_path, FIXTURE_LANDING, cutoff=cutoff, target="postgres")
    built = {(source_file, source_row): (as_text(coupon_id), outcome, as_text(reject_reason))
             for source_file, source_row, coupon_id, outcome, reject_reason in pg_query(
                 fixture_database,
                 "select source_file, source_row, coupon_id, outcome, reject_reason from audit.coupon_outcomes")}
    expected = {(row["source_file"], int(row["source_row"])): (row["coupon_id"], row["outcome"], row["reject_reason"])
                for row in read_fixture(expected_file)}
    assert built == expected
    # real deliveries (no manifest) carry no synthetic mark
    assert pg_query(fixture_database, """
        select
            (select count(*) from landing.synthetic_manifest_files),
            (select bool_or(has_synthetic_data) from marts.dim_release),
            (select bool_or(has_synthetic_data) from audit.publications)""") == [(0, False, False)]
    if cutoff is None:
        columns = list(read_fixture("expected_counted_coupons.csv")[0])
        counted = {row[0]: [as_text(value) for value in row] for row in pg_query(
            fixture_database, f"""
                select {', '.join(f'versions.{column}' for column in columns)}
                from audit.coupon_outcomes as outcomes
                inner join intermediate.int_coupon_rows_checked as versions
                    on outcomes.source_file = versions.source_file
                    and outcomes.source_row = versions.source_row
                where outcomes.outcome = 'counted'""")}
        assert counted == {row["coupon_id"]: list(row.values()) for row in read_fixture("expected_counted_coupons.csv")}


# extract spec 1.2: hours 00-23, minutes and seconds 00-59 (PostgreSQL reads 24:00:00 as the next midnight)
@pytest.mark.parametrize("submitted_at", ["31.01.2024 10:00", "2024-01-31T24:00:00", "2024-01-31T23:59:60"])
def test_a_malformed_submitted_at_stops_the_postgres_build(postgres_server, tmp_path, submitted_at):
    from kzmig.load import load

    landing = tmp_path / "landing"
    write_delivery(landing, "coupons_2024_01.csv",
                   HEADER + "\nC1,A,2024-01-05,,1,,,,751110000,RUS,,,2024-01-31T10:00:00,active\n"
                   f"C2,A,2024-01-05,,1,,,,751110000,RUS,,,{submitted_at},active\n")
    with mock.patch.dict(os.environ, fresh_database(LOADER_DATABASE)):
        load(landing, quiet=True)
        with pytest.raises(KzmigError, match=f"malformed delivery coupons_2024_01.csv, row 2, column submitted_at: "
                                             f"found '{submitted_at}'"):
            build_warehouse(tmp_path / "build", landing, target="postgres")
        built_marts = pg_query(LOADER_DATABASE, "select count(*) from information_schema.tables"
                                                " where table_schema in ('marts', 'intermediate')")
        # the build stopped in its on-run-start hook; kzmig build logged it as failed
        logged = pg_query(LOADER_DATABASE, "select command, status, finished_at is not null"
                                           " from audit.build_runs")
    assert built_marts == [(0,)]
    assert logged == [("build", "error", True)]


# --- the loader -----------------------------------------------------------------------


def test_loading_the_world_again_loads_nothing(postgres_warehouse, calibrated_world):
    from kzmig.load import load

    before = pg_query(postgres_warehouse, "select count(*) from landing.coupon_extract_rows")[0][0]
    with mock.patch.dict(os.environ, {"KZMIG_PG_DATABASE": postgres_warehouse}):
        summary = load(calibrated_world, quiet=True)
    after = pg_query(postgres_warehouse, "select count(*) from landing.coupon_extract_rows")[0][0]
    assert summary.loaded == []
    assert sorted(summary.skipped) == sorted(path.name for path in calibrated_world.glob("coupons_*"))
    assert after == before > 0


def test_raw_table_holds_the_files_as_duckdb_reads_them(postgres_warehouse, calibrated_warehouse):
    """Per file: rows, highest row number and NULLs per column, the same on both engines."""
    from kzmig.load import EXTRACT_COLUMNS

    profile = ", ".join(["source_file", "count(*)", "min(source_row)", "max(source_row)",
                         *(f"count({column})" for column in EXTRACT_COLUMNS)])
    sql = f"select {profile} from landing.coupon_extract_rows group by source_file order by source_file"
    with duckdb.connect(str(calibrated_warehouse), read_only=True) as connection:
        duckdb_profile = connection.execute(sql).fetchall()
    postgres_profile = pg_query(postgres_warehouse, sql)
    assert duckdb_profile, "the DuckDB landing relation is empty"
    assert postgres_profile == duckdb_profile


@pytest.fixture()
def loader_database(postgres_server):
    with mock.patch.dict(os.environ, fresh_database(LOADER_DATABASE)):
        yield LOADER_DATABASE


def write_delivery(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_loader_keeps_file_row_and_nulls(loader_database, tmp_path):
    from kzmig.load import load

    landing = tmp_path / "landing"
    # A byte-order mark and \r\n line ends; a quoted comma; empty fields, quoted and not.
    write_delivery(landing, "coupons_2024_01.csv",
                   "\ufeff" + HEADER + "\r\n"
                   "C1,A,2024-01-05,0123456789abcdef,1,1990-02-03,KAZ,005,751110000,KAZ,711110000,01,"
                   "2024-01-31T10:00:00,active\r\n"
                   '" C2 ", d ,05.01.2024,,F,,,"",751110000,"R,US",,,2024-01-31T10:00:00,active\r\n')
    write_delivery(landing, "coupons_2024_02.csv",
                   HEADER + "\nC1,A,2024-01-05,,M,,,,751110000,KAZ,711110000,,2024-02-29T09:00:00,cancelled\n")
    summary = load(landing, quiet=True)
    assert summary.loaded == [("coupons_2024_01.csv", 2), ("coupons_2024_02.csv", 1)]
    rows = pg_query(loader_database,
                    "select source_file, source_row, coupon_id, coupon_type, person_id_hash, ethnicity_code, "
                    "counterpart_country, record_status from landing.coupon_extract_rows order by 1, 2")
    assert rows == [
        ("coupons_2024_01.csv", 1, "C1", "A", "0123456789abcdef", "005", "KAZ", "active"),
        ("coupons_2024_01.csv", 2, " C2 ", " d ", None, None, "R,US", "active"),
        ("coupons_2024_02.csv", 1, "C1", "A", None, None, "KAZ", "cancelled"),
    ]
    assert pg_query(loader_database, "select source_file, row_count from landing.coupon_deliveries order by 1") == [
        ("coupons_2024_01.csv", 2), ("coupons_2024_02.csv", 1)]

    # A new delivery beside the old ones: only it is loaded.
    write_delivery(landing, "coupons_2024_03.csv",
                   HEADER + "\nC3,D,2024-03-01,,2,,,,751110000,RUS,,,2024-03-31T09:00:00,active\n")
    again = load(landing, quiet=True)
    assert again.loaded == [("coupons_2024_03.csv", 1)]
    assert again.skipped == ["coupons_2024_01.csv", "coupons_2024_02.csv"]
    assert pg_query(loader_database, "select count(*) from landing.coupon_extract_rows") == [(4,)]


def test_loader_refuses_a_changed_delivery_and_a_wrong_header(loader_database, tmp_path):
    from kzmig.load import load

    landing = tmp_path / "landing"
    delivery = write_delivery(landing, "coupons_2024_01.csv",
                              HEADER + "\nC1,A,2024-01-05,,1,,,,751110000,RUS,,,2024-01-31T10:00:00,active\n")
    load(landing, quiet=True)
    delivery.write_text(delivery.read_text() + "C2,A,2024-01-06,,1,,,,751110000,RUS,,,2024-01-31T10:00:00,active\n")
    with pytest.raises(KzmigError, match="malformed delivery coupons_2024_01.csv: found content that differs"):
        load(landing, quiet=True)

    delivery.write_text(HEADER + "\nC1,A,2024-01-05,,1,,,,751110000,RUS,,,2024-01-31T10:00:00,active\n")
    write_delivery(landing, "coupons_2024_02.csv", HEADER.replace("kato_code,", "kato,", 1) + "\n")
    with pytest.raises(KzmigError, match="malformed delivery coupons_2024_02.csv, header, column kato_code"):
        load(landing, quiet=True)
    assert pg_query(loader_database, "select count(*) from landing.coupon_extract_rows") == [(1,)]


# The broken record is data row 2 of the second file.
@pytest.mark.parametrize("bad_line, column, message", [
    (b"C9,A,2024-01-05,,1\n", "birth_date", "found 5 values"),
    (b"C9,A,2024-01-05,,1,,,,751110000,RUS,,,2024-01-31T10:00:00,active,extra\n", "15 (no such column)",
     "found 15 values"),
    (b'C9,A,"2024-01-05,,1,,,,751110000,RUS,,,2024-01-31T10:00:00,active\n', None, "breaks RFC 4180 quoting"),
    (b"C9,A,2024-01-05,,1,,,,751110000,R\xc3\x28S,,,2024-01-31T10:00:00,active\n", "counterpart_country",
     "not UTF-8"),
])
def test_loader_stops_on_a_broken_record_naming_file_row_and_column(loader_database, tmp_path, bad_line, column,
                                                                      message):
    from kzmig.load import load

    landing = tmp_path / "landing"
    good = "C1,A,2024-01-05,,1,,,,751110000,RUS,,,2024-01-31T10:00:00,active\n"
    write_delivery(landing, "coupons_2024_01.csv", HEADER + "\n" + good)
    (landing / "coupons_2024_02.csv").write_bytes((HEADER + "\n" + good).encode() + bad_line)
    where = "malformed delivery coupons_2024_02.csv, row 2" + (f", column {column}" if column else "")
    with pytest.raises(KzmigError) as failure:
        load(landing, quiet=True)
    assert str(failure.value).startswith(where) and message in str(failure.value), str(failure.value)
    # Every delivery is checked before any is loaded: nothing is loaded.
    assert pg_query(loader_database, "select count(*) from landing.coupon_extract_rows") == [(0,)]
    assert pg_query(loader_database, "select count(*) from landing.coupon_deliveries") == [(0,)]


def test_loader_reads_parquet_deliveries(loader_database, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kzmig.load import EXTRACT_COLUMNS, load

    landing = tmp_path / "landing"
    landing.mkdir()
    values = {column: ["x", None, ""] for column in EXTRACT_COLUMNS}
    values["coupon_id"] = ["P1", "P2", "P3"]
    pq.write_table(pa.table(values, schema=pa.schema([(column, pa.string()) for column in EXTRACT_COLUMNS])),
                   landing / "coupons_2024_01.parquet")
    assert load(landing, quiet=True).loaded == [("coupons_2024_01.parquet", 3)]
    # Null stays NULL and an empty string stays empty, as DuckDB's read_parquet gives them.
    assert pg_query(loader_database,
                    "select source_row, coupon_id, sex from landing.coupon_extract_rows order by 1") == [
        (1, "P1", "x"), (2, "P2", None), (3, "P3", "")]


# --- deliveries as they really come (extract spec 1.1) ------------------------------------


def test_field_shaped_deliveries_get_the_same_outcomes_on_postgres(postgres_server, tmp_path):
    """Quoted line breaks, mixed line ends, Unicode white space and re-sent dates in the
    other form: loaded by kzmig load and built on PostgreSQL, every row gets the outcome
    it gets on DuckDB (tests/python/test_landing.py)."""
    from test_landing import field_shaped_landing

    landing = tmp_path / "landing"
    expected = field_shaped_landing(landing)
    with mock.patch.dict(os.environ, fresh_database(LOADER_DATABASE)):
        build_warehouse(tmp_path / "build", landing, target="postgres")
        built = {(source_file, source_row): (outcome, reject_reason or "")
                 for source_file, source_row, outcome, reject_reason in pg_query(
                     LOADER_DATABASE,
                     "select source_file, source_row, outcome, reject_reason from audit.coupon_outcomes")}
        deliveries = pg_query(LOADER_DATABASE,
                              "select source_file, row_count from staging.stg_coupons__deliveries order by 1")
    assert built == expected
    assert deliveries == [(name, sum(1 for file, _ in expected if file == name))
                          for name in sorted({file for file, _ in expected})]


def test_loader_refuses_a_changed_delivery_until_a_full_refresh(loader_database, tmp_path):
    from kzmig.landing import MalformedDelivery
    from kzmig.load import load

    landing = tmp_path / "landing"
    row = "C{n},A,2024-01-05,,1,,,,751110000,RUS,,,2024-01-31T10:00:00,active\r\n"
    delivery = write_delivery(landing, "coupons_2024_01.csv", HEADER + "\n" + row.format(n=1))
    write_delivery(landing, "coupons_2024_02.csv", HEADER + "\n" + row.format(n=2))
    assert load(landing, quiet=True).rows_loaded == 2
    # grown, with a record ending in \r\n after one ending in \n (mixed line ends)
    delivery.write_bytes(delivery.read_bytes() + row.format(n=3).encode())
    with pytest.raises(MalformedDelivery, match="^malformed delivery coupons_2024_01.csv: found content that differs"):
        load(landing, quiet=True)
    (landing / "coupons_2024_02.csv").unlink()
    with pytest.raises(MalformedDelivery, match="^malformed delivery coupons_2024_02.csv: found no such file"):
        load(landing, quiet=True)
    summary = load(landing, quiet=True, full_refresh=True)
    assert summary.loaded == [("coupons_2024_01.csv", 2)]
    assert pg_query(loader_database, "select source_file, source_row, coupon_id from landing.coupon_extract_rows"
                                     " order by 1, 2") == [("coupons_2024_01.csv", 1, "C1"),
                                                           ("coupons_2024_01.csv", 2, "C3")]


@pytest.mark.parametrize("case", ["malformed name", "both formats", "typed parquet", "windows-1251", "trailing comma",
                                  "lone CR", "NUL", "record over 1 MiB", "link to nothing", "parquet NUL"])
def test_loader_refuses_each_malformed_class_as_the_duckdb_build_does(loader_database, tmp_path, case):
    """The loader checks with kzmig.landing, as `kzmig build` does on DuckDB: the same
    message, and nothing is loaded."""
    import pyarrow as pa

    from kzmig.landing import MalformedDelivery, check_landing
    from kzmig.load import load
    from test_landing import coupon, delivery, record, write_parquet

    landing = tmp_path / "landing"
    if case == "typed parquet":
        landing.mkdir()
        write_parquet([coupon("T2")], landing / "coupons_2024_01.parquet", {"ethnicity_code": pa.int64()})
    else:
        delivery(landing / "coupons_2024_01.csv", [record(coupon("T1"))])
    if case == "malformed name":
        delivery(landing / "COUPONS_2024_02.CSV", [record(coupon("T2"))])
    elif case == "both formats":
        write_parquet([coupon("T2")], landing / "coupons_2024_02.parquet")
    elif case == "windows-1251":
        delivery(landing / "coupons_2024_02.csv", [record(coupon("T2")), record(coupon("T3", sex="М"))],
                 encoding="cp1251")
    elif case == "trailing comma":
        (landing / "coupons_2024_02.csv").write_text(HEADER + ",\n", encoding="utf-8")
    elif case == "lone CR":  # extract spec 1.2: records ending in \r alone
        (landing / "coupons_2024_02.csv").write_bytes((HEADER + "\r" + record(coupon("T2")) + "\r").encode())
    elif case == "NUL":
        delivery(landing / "coupons_2024_02.csv", [record(coupon("T2", kato_code="7511\x00"), quoted=True)])
    elif case == "record over 1 MiB":
        delivery(landing / "coupons_2024_02.csv", [record(coupon("T2", reason_code="x" * (1 << 20)))])
    elif case == "link to nothing":
        (landing / "coupons_2024_02.csv").symlink_to(tmp_path / "not-there.csv")
    elif case == "parquet NUL":
        (landing / "coupons_2024_01.csv").unlink()
        write_parquet([coupon("T2", sex="1\x00")], landing / "coupons_2024_01.parquet")
    with pytest.raises(MalformedDelivery) as expected:
        check_landing(landing)
    with pytest.raises(MalformedDelivery) as loading:
        load(landing, quiet=True)
    assert str(loading.value) == str(expected.value)
    assert pg_query(loader_database, "select count(*) from landing.coupon_extract_rows") == [(0,)]


@pytest.mark.parametrize("inner", ["\r", "\n", "\r\n", "\n\r", "\u2028", "\x85"], ids=repr)
def test_loader_keeps_line_breaks_inside_values_exactly(loader_database, tmp_path, inner):
    """A quoted value holding any line break loads as the landing check reads it."""
    from kzmig.landing import csv_records
    from kzmig.load import load
    from test_landing import coupon, delivery, record

    landing = tmp_path / "landing"
    path = delivery(landing / "coupons_2024_01.csv",
                    [record(coupon("L1", kato_code=f"7511{inner}10000", reason_code=f"{inner}01"), quoted=True),
                     record(coupon("L2"))], ends=["\r\n", "\n"])
    load(landing, quiet=True)
    read = [(number, values[8], values[11]) for number, values in csv_records(path.name, path.read_bytes())]
    assert pg_query(loader_database, "select source_row, kato_code, reason_code from landing.coupon_extract_rows"
                                     " order by 1") == read
    assert read[0] == (1, f"7511{inner}10000", f"{inner}01")


def test_an_incremental_build_on_postgres_ends_where_a_full_one_does(postgres_server, tmp_path):
    """The last fixture delivery lands after a build of the others: the second build decides
    again only the coupons it carries (delete+insert on PostgreSQL), and every row ends with
    the outcome a build from scratch gives it."""
    landing = tmp_path / "landing"
    landing.mkdir()
    files = sorted(FIXTURE_LANDING.glob("coupons_*.csv"))
    for path in files[:-1]:
        shutil.copyfile(path, landing / path.name)
    workdir = tmp_path / "build"
    database = "kz_migration_incremental_test"
    with mock.patch.dict(os.environ, fresh_database(database)):
        build_warehouse(workdir, landing, target="postgres")
        shutil.copyfile(files[-1], landing / files[-1].name)
        build_warehouse(workdir, landing, target="postgres")
    results = json.loads((workdir / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    (rows_checked,) = [result for result in results if result["unique_id"].endswith(".int_coupon_rows_checked")]
    assert "delivered_coupon_ids" in rows_checked["compiled_code"]  # it read only the new coupons
    built = {(source_file, source_row): (as_text(coupon_id), outcome, as_text(reject_reason))
             for source_file, source_row, coupon_id, outcome, reject_reason in pg_query(
                 database, "select source_file, source_row, coupon_id, outcome, reject_reason from audit.coupon_outcomes")}
    expected = {(row["source_file"], int(row["source_row"])): (row["coupon_id"], row["outcome"], row["reject_reason"])
                for row in read_fixture("expected_outcomes.csv")}
    assert built == expected


def test_loader_copies_what_the_duckdb_reader_reads_at_the_edges_of_spec_1_2(loader_database, tmp_path):
    """Class: the check and the readers agree. Deliveries at the edges of what spec 1.2
    accepts (a padded, multi-line header, a lone CR inside quotes, mixed line ends, empty
    lines, a record of exactly 1 MiB, a symbolic link; Parquet with its columns in reverse
    order and a column of the null type) load into PostgreSQL as the DuckDB build reads them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kzmig.landing import EXTRACT_COLUMNS, csv_records
    from kzmig.load import load
    from test_landing_differential import accepted_csv_landing

    landing = tmp_path / "landing"
    accepted_csv_landing(landing, tmp_path / "store")
    expected = [(path.name, number, *[value or None for value in values])
                for path in sorted(landing.glob("coupons_*.csv"))
                for number, values in csv_records(path.name, path.read_bytes())]
    assert load(landing, quiet=True).rows_loaded == len(expected) == 7
    loaded = pg_query(loader_database, "select * from landing.coupon_extract_rows order by source_file, source_row")
    assert loaded == expected

    parquet = tmp_path / "parquet"
    parquet.mkdir()
    values = [values for _, values in csv_records("f.csv", (landing / "coupons_2023_01.csv").read_bytes())]
    columns = {column: pa.array([row[index] or None for row in values], type=pa.string())
               for index, column in enumerate(EXTRACT_COLUMNS)}
    columns["person_id_hash"] = pa.nulls(len(values))
    pq.write_table(pa.table({column: columns[column] for column in reversed(EXTRACT_COLUMNS)}),
                   parquet / "coupons_2023_01.parquet")
    load(parquet, quiet=True, full_refresh=True)
    loaded = pg_query(loader_database, "select * from landing.coupon_extract_rows order by source_file, source_row")
    assert loaded == [("coupons_2023_01.parquet", *rest) for name, *rest in expected if name == "coupons_2023_01.csv"]


def test_loader_copies_every_generated_delivery_the_check_accepts(loader_database, tmp_path_factory):
    """Class: the check and the readers agree, on PostgreSQL. The generated CSV deliveries of
    tests/python/test_landing_differential.py (seeded, bounded): whenever the check accepts,
    kzmig load copies exactly the records it counted with the same values (empty as NULL);
    whenever it refuses, the load stops with the check's message and loads nothing."""
    from hypothesis import HealthCheck, given, settings

    from kzmig.landing import MalformedDelivery, check_landing, csv_records
    from kzmig.load import load
    from test_landing_differential import CSV_NAME, csv_cases

    seen = {"accepted": 0, "refused": 0}

    @settings(derandomize=True, deadline=None, database=None, max_examples=30,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(case=csv_cases())
    def copies_what_the_check_read(case):
        landing = tmp_path_factory.mktemp("pg_generated", numbered=True)
        (landing / CSV_NAME).write_bytes(case.data)
        try:
            check_landing(landing)
        except MalformedDelivery as checked:
            with pytest.raises(MalformedDelivery) as loading:
                load(landing, quiet=True, full_refresh=True)
            assert str(loading.value) == str(checked)
            seen["refused"] += 1
            return
        load(landing, quiet=True, full_refresh=True)
        expected = [(CSV_NAME, number, *[value or None for value in values])
                    for number, values in csv_records(CSV_NAME, case.data)]
        assert pg_query(loader_database, "select * from landing.coupon_extract_rows order by source_row") == expected
        seen["accepted"] += 1

    copies_what_the_check_read()
    assert seen["accepted"] >= 5 and seen["refused"] >= 5, seen
