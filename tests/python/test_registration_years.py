"""Class: registration years the reference data do not cover (issue 24, extract spec 1.2).

"Any real calendar date is a registration date; missing reference data for its year never
stop a build." A coupon registered in 1900, 1923 (a typed year), 2015, 2016 (late
registrations), 2032 or 2099 — or at the ends of the form, 0001-01-01 and 31.12.9999 — is
counted in its year by `latest`, its working-age group not determined (`WA_U`: the seed
working_age_bounds covers 2017–2031), its rates per 1,000 not available, and counted in no
release (no release of the calendar covers its year). The build succeeds, every input row
keeps its outcome, and the build names the years it could not cover and their coupons
(audit.reference_years_not_covered, and the end of `kzmig build`'s output).

Small hand-written worlds, on both formats and both engines:
- odd years only (no year the reference data cover): CSV on DuckDB (through the command
  line, as a user runs it) and Parquet on PostgreSQL;
- the same years mixed into ordinary 2023 deliveries, a coupon corrected from 2023 to
  2015 among them: Parquet on DuckDB and CSV on PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest

from kzmig.project import PROJECT_DIR
from kzmig.reference_years import TABLE, not_covered_lines

from conftest import build_warehouse, query
from test_landing import coupon, delivery, record, write_parquet
from test_postgres import postgres_server  # noqa: F401 - the session's PostgreSQL server (a fixture)

# the years of the issue; the seed working_age_bounds covers 2017-2031 and the release
# calendar 2021-2025
ODD_YEARS = [1900, 1923, 2015, 2016, 2032, 2099]
WORKING_AGE_YEARS = range(2017, 2032)
RELEASE_YEARS = range(2021, 2026)
# years whose population gives both tables a rate (the population seed: 2023 only)
POPULATION_YEARS = {2023}


@dataclass(frozen=True)
class Row:
    """One input row, the outcome it must get, and, if counted, its year and age."""

    source_file: str
    values: tuple[str, ...]
    outcome: str
    reject_reason: str = ""
    year: int | None = None      # registration year in `latest`, when counted
    age: int | None = None       # completed years on the registration date, when counted

    @property
    def coupon_id(self) -> str:
        return self.values[0]


def odd_year_coupon(year: int, number: int, **values: str) -> list[str]:
    """A coupon registered on 15 June of `year` (DD.MM.YYYY every other year), born 30 years
    and a day before (age 29 … a 29-year-old), submitted after its registration."""
    registration = f"{year:04d}-06-15" if number % 2 else f"15.06.{year:04d}"
    submitted = max(year, 2023)
    return coupon(f"Y{year:04d}", person_id_hash=f"{year:016d}", registration_date=registration,
                  birth_date=f"{year - 30:04d}-06-16", submitted_at=f"{submitted:04d}-07-01T10:00:00",
                  **values)


# the three kinds of move, in turn: internal arrival, immigration, emigration
KINDS = [
    {},
    {"counterpart_country": "RUS", "counterpart_kato_code": ""},
    {"coupon_type": "D", "counterpart_country": "DEU", "counterpart_kato_code": "", "kato_code": "351010000"},
]


def odd_year_rows(files: list[str]) -> list[Row]:
    """One coupon of each odd year (each in its own file of `files`, in turn), the ends of
    the date form (0001-01-01, 31.12.9999), and a 2099 registration submitted in 2023
    (rejected: registration_after_submission)."""
    rows = []
    for number, year in enumerate(ODD_YEARS):
        values = odd_year_coupon(year, number, **KINDS[number % 3])
        rows.append(Row(files[number % len(files)], tuple(values), "counted", year=year, age=29))
    rows.append(Row(files[0], tuple(coupon("Y0001", registration_date="0001-01-01", birth_date="",
                                           counterpart_country="RUS", counterpart_kato_code="")),
                    "counted", year=1, age=None))
    rows.append(Row(files[-1], tuple(coupon("Y9999", coupon_type="D", registration_date="31.12.9999",
                                            birth_date="31.12.9949", counterpart_country="DEU",
                                            counterpart_kato_code="", submitted_at="9999-12-31T23:59:59")),
                    "counted", year=9999, age=50))
    rows.append(Row(files[-1], tuple(coupon("Y2099-early", registration_date="2099-01-01")),
                    "rejected", "registration_after_submission"))
    return rows


def mixed_rows() -> list[Row]:
    """Ordinary 2023 deliveries with the odd years mixed in: in the same files, a coupon
    corrected from 2023 to 2015 (its later version counts in 2015), a re-sent row, a
    duplicate registration of 1923 and a region not in force in 1923 (Turkistan region,
    61, from 2018: rejected, as the spec's list of regions says)."""
    january, march, july = "coupons_2023_01", "coupons_2023_03", "coupons_2023_07"
    rows = [
        Row(january, tuple(coupon("N1")), "counted", year=2023, age=32),
        Row(january, tuple(coupon("N2", sex="2", birth_date="1960-02-01", counterpart_country="RUS",
                                  counterpart_kato_code="")), "counted", year=2023, age=62),
        Row(january, tuple(coupon("N3", coupon_type="D", counterpart_country="DEU", counterpart_kato_code="",
                                  birth_date="2010-01-01")), "counted", year=2023, age=13),
        # corrected from 2023 to 2015 after the cut-off of 2023-03-p (30 April 2023)
        Row(january, tuple(coupon("L1", registration_date="2023-01-10", person_id_hash="00000000000000a1")),
            "superseded"),
        Row(july, tuple(coupon("L1", registration_date="2015-01-10", person_id_hash="00000000000000a1",
                               submitted_at="2023-06-15T10:00:00")), "counted", year=2015, age=24),
        # the same 1923 coupon sent twice, and a second coupon of the same registration
        Row(march, tuple(coupon("D1", registration_date="1923-03-03", birth_date="1900-01-01",
                                person_id_hash="00000000000000d1", submitted_at="2023-03-20T10:00:00")),
            "counted", year=1923, age=23),
        Row(july, tuple(coupon("D1", registration_date="03.03.1923", birth_date="01.01.1900",
                               person_id_hash="00000000000000d1", submitted_at="2023-03-20T10:00:00")),
            "identical_row"),
        Row(july, tuple(coupon("D2", registration_date="1923-03-03", birth_date="1900-01-01",
                               person_id_hash="00000000000000d1", submitted_at="2023-03-21T10:00:00")),
            "duplicate_registration"),
        Row(march, tuple(coupon("R1", registration_date="1923-05-05", kato_code="611010000")),
            "rejected", "unknown_region"),
    ]
    return rows + odd_year_rows([january, march, july])


def write_landing(folder: Path, rows: list[Row], file_format: str) -> Path:
    by_file = defaultdict(list)
    for row in rows:
        by_file[row.source_file].append(list(row.values))
    folder.mkdir(parents=True, exist_ok=True)
    for name, values in by_file.items():
        if file_format == "csv":
            delivery(folder / f"{name}.csv", [record(row) for row in values])
        else:
            write_parquet(values, folder / f"{name}.parquet")
    return folder


def counted_by_year(rows: list[Row]) -> Counter:
    return Counter(row.year for row in rows if row.outcome == "counted")


def expected_not_covered(rows: list[Row]) -> list[tuple[str, str, int, int]]:
    """audit.reference_years_not_covered as the seeds say it must be, from the counted coupons."""
    expected = []
    for year, coupons in counted_by_year(rows).items():
        if year not in WORKING_AGE_YEARS:
            expected.append(("working_age_bounds", "working_age_group_not_determined", year, coupons))
        if year not in POPULATION_YEARS:
            expected.append(("population", "country_intensity_not_determined", year, coupons))
            expected.append(("population", "region_intensity_not_determined", year, coupons))
        if year not in RELEASE_YEARS:
            expected.append(("release_calendar", "counted_in_latest_only", year, coupons))
    return sorted(expected)


def five_year_code(age: int | None) -> str:
    if age is None:
        return "_U"
    return "Y_GE80" if age >= 80 else f"Y{age // 5 * 5}T{age // 5 * 5 + 4}"


# --- the worlds ------------------------------------------------------------------------------

def run_kzmig_build(workdir: Path, landing: Path) -> subprocess.CompletedProcess:
    """`kzmig build` as a user runs it (stdout a pipe), on a warehouse in workdir."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "DBT_TARGET")}
    env.update(DBT_DUCKDB_PATH=str(workdir / "warehouse.duckdb"), DBT_TARGET_PATH=str(workdir / "target"),
               DBT_LOG_PATH=str(workdir / "logs"), KZMIG_DUCKDB_TEMP_DIR=str(workdir / "tmp"),
               PYTHONPATH=os.pathsep.join([str(PROJECT_DIR), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    (workdir / "tmp").mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "kzmig.cli", "build", "--landing-dir", str(landing)],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=1800)


@dataclass
class World:
    rows: list[Row]
    file_format: str      # of the deliveries: csv or parquet
    output: str           # what the build printed (DuckDB, the command line) or logged (PostgreSQL)
    database: object      # the DuckDB file, or the PostgreSQL database's name
    engine: str

    def query(self, sql: str) -> list[tuple]:
        if self.engine == "duckdb":
            return query(self.database, sql)
        from test_postgres import pg_query

        return pg_query(self.database, sql)


@pytest.fixture(scope="module")
def odd_years_duckdb(tmp_path_factory, step) -> World:
    """Odd years only, CSV, built by `kzmig build` on DuckDB."""
    workdir = tmp_path_factory.mktemp("odd_years_duckdb")
    rows = odd_year_rows(["coupons_2023_01", "coupons_2023_02", "coupons_2023_03"])
    landing = write_landing(workdir / "landing", rows, "csv")
    with step("kzmig build: registrations of odd years only (CSV, DuckDB)"):
        finished = run_kzmig_build(workdir, landing)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    return World(rows, "csv", finished.stdout, workdir / "warehouse.duckdb", "duckdb")


@pytest.fixture(scope="module")
def mixed_duckdb(tmp_path_factory, step) -> World:
    """The odd years mixed into ordinary deliveries, Parquet, built on DuckDB."""
    workdir = tmp_path_factory.mktemp("mixed_duckdb")
    rows = mixed_rows()
    landing = write_landing(workdir / "landing", rows, "parquet")
    with step("building registrations of odd years mixed with 2023 (Parquet, DuckDB)"):
        database = build_warehouse(workdir / "build", landing)
    return World(rows, "parquet", (workdir / "build" / "logs" / "kzmig-build.log").read_text(encoding="utf-8"),
                 database, "duckdb")


def postgres_world(tmp_path_factory, step, name: str, rows: list[Row], file_format: str) -> World:
    from kzmig.load import load
    from test_postgres import fresh_database

    workdir = tmp_path_factory.mktemp(name)
    landing = write_landing(workdir / "landing", rows, file_format)
    with mock.patch.dict(os.environ, fresh_database(name)):
        with step(f"loading and building {name} on PostgreSQL"):
            load(landing, quiet=True)
            build_warehouse(workdir / "build", landing, target="postgres")
    return World(rows, file_format, (workdir / "build" / "logs" / "kzmig-build.log").read_text(encoding="utf-8"),
                 name, "postgres")


@pytest.fixture(scope="module")
def odd_years_postgres(postgres_server, tmp_path_factory, step) -> World:
    """Odd years only, Parquet, loaded and built on PostgreSQL."""
    from test_postgres import drop_database

    rows = odd_year_rows(["coupons_2023_01", "coupons_2023_02", "coupons_2023_03"])
    yield postgres_world(tmp_path_factory, step, "kz_migration_odd_years_test", rows, "parquet")
    drop_database("kz_migration_odd_years_test")


@pytest.fixture(scope="module")
def mixed_postgres(postgres_server, tmp_path_factory, step) -> World:
    """The odd years mixed into ordinary deliveries, CSV, loaded and built on PostgreSQL."""
    from test_postgres import drop_database

    yield postgres_world(tmp_path_factory, step, "kz_migration_mixed_years_test", mixed_rows(), "csv")
    drop_database("kz_migration_mixed_years_test")

WORLDS = ["odd_years_duckdb", "mixed_duckdb", "odd_years_postgres", "mixed_postgres"]


@pytest.fixture(params=WORLDS)
def world(request) -> World:
    if request.param.endswith("postgres") and os.environ.get("KZMIG_SKIP_POSTGRES") == "1":
        pytest.skip("KZMIG_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
    return request.getfixturevalue(request.param)


# --- the tests -------------------------------------------------------------------------------

def test_registration_years_not_covered_worlds_hold_what_they_are_meant_to():
    """The inputs: every odd year of the issue counted, in both worlds, with normal years
    beside them in the mixed one, and both written forms of the date."""
    for rows in (odd_year_rows(["a", "b", "c"]), mixed_rows()):
        years = counted_by_year(rows)
        assert set(ODD_YEARS) | {1, 9999} <= set(years)
        assert not any(year in WORKING_AGE_YEARS or year in RELEASE_YEARS for year in years if year != 2023)
        dates = [row.values[2] for row in rows]
        assert any("." in date for date in dates) and any("-" in date for date in dates)
    assert counted_by_year(mixed_rows())[2023] == 3


def test_registration_years_not_covered_every_row_keeps_its_outcome(world):
    outcomes = world.query("select source_file, coupon_id, outcome, coalesce(reject_reason, '')"
                           " from audit.coupon_outcomes")
    built = sorted((file, coupon_id, outcome, reason) for file, coupon_id, outcome, reason in outcomes)
    expected = sorted((f"{row.source_file}.{world.file_format}", row.coupon_id, row.outcome, row.reject_reason)
                      for row in world.rows)
    assert built == expected
    summary = dict(((outcome, reason or ""), count) for outcome, reason, count in world.query(
        "select outcome, reject_reason, row_count from audit.coupon_outcome_summary where row_count > 0"))
    assert summary == dict(Counter((row.outcome, row.reject_reason) for row in world.rows))


def test_registration_years_not_covered_are_counted_in_latest_with_working_age_not_determined(world):
    """Each counted coupon is in `latest`'s people's table in its year: the five-year group of
    its age, the working-age group not determined (WA_U) where the seed lacks the year."""
    cells = world.query("""
        select year, age_grouping_code, age_group_code, sum(arrivals) + sum(departures)
        from marts.migration_by_sex_and_age_annual
        where release_id = 'latest'
            -- the item rows: not the margins (the republic KZ, both sexes _T, all ages _T)
            and region_code != 'KZ' and sex_code != '_T' and age_grouping_code != '_T'
        group by year, age_grouping_code, age_group_code""")
    built = {(year, grouping, code): int(count) for year, grouping, code, count in cells if count}
    expected = Counter()
    for row in world.rows:
        if row.outcome != "counted":
            continue
        # an internal move is an arrival and a departure (intraregional: both in one region)
        ends = 2 if row.values[1] == "A" and row.values[9] == "KAZ" else 1
        expected[(row.year, "five_year", five_year_code(row.age))] += ends
        if row.year not in WORKING_AGE_YEARS:
            expected[(row.year, "working_age", "WA_U")] += ends
    assert {key: count for key, count in built.items() if key[0] not in WORKING_AGE_YEARS} == \
        {key: count for key, count in expected.items() if key[0] not in WORKING_AGE_YEARS}
    assert {key: count for key, count in built.items() if key[1] == "five_year"} == \
        {key: count for key, count in expected.items() if key[1] == "five_year"}


def test_registration_years_not_covered_have_no_rate_and_only_latest_counts_them(world):
    """latest's annual table has a row for each year it counts and no other (no empty
    decades between 1923 and 2015), with the coupons of the year and no rate where the
    population lacks the year; no release counts a year its period does not cover."""
    counted = counted_by_year(world.rows)
    annual = world.query("select year, months_covered, arrivals, departures, population_basis_code"
                         " from marts.migration_annual where release_id = 'latest'")
    assert sorted(year for year, *_ in annual) == sorted(counted)
    for year, months, arrivals, departures, basis in annual:
        external = [row for row in world.rows if row.outcome == "counted" and row.year == year
                    and row.values[9] != "KAZ"]
        assert (arrivals, departures) == (sum(row.values[1] == "A" for row in external),
                                          sum(row.values[1] == "D" for row in external)), year
        assert (basis == "not_available") == (year not in POPULATION_YEARS), (year, basis)
        # the months from the first to the last counted month (0001-01 to 9999-12) within
        # the years counted: every month of each
        assert months == 12, year
    assert not world.query("select year from marts.migration_annual where release_id <> 'latest' and year in ("
                           + ", ".join(str(year) for year in counted if year not in RELEASE_YEARS) + ")")
    spined = world.query("select distinct registration_year from intermediate.int_evaluation_region_months_spined"
                         " where release_id = 'latest'")
    assert sorted(year for (year,) in spined) == sorted(counted)


def test_registration_years_not_covered_are_named_by_the_audit(world):
    built = world.query(f"select reference_code, consequence_code, year, coupon_count from {TABLE}")
    assert sorted((reference, consequence, int(year), int(coupons)) for reference, consequence, year, coupons
                  in built) == expected_not_covered(world.rows)


def test_registration_years_not_covered_are_named_at_the_end_of_the_build(world):
    """kzmig build's summary (the command line's output on DuckDB, the build log on
    PostgreSQL) names each year not covered and its coupons, before the warehouse line."""
    expected = not_covered_lines(expected_not_covered(world.rows))
    assert "kzmig:   working_age_bounds: working_age_group_not_determined: 1 (1 coupon), 1900 (1 coupon), " \
        "1923 (" in "\n".join(expected)
    lines = world.output.splitlines()
    start = lines.index(expected[0])
    assert lines[start:start + len(expected)] == expected
    assert lines[start + len(expected)].startswith("kzmig: warehouse: ")


def test_registration_years_1923_2015_2032_build_and_the_build_names_them(mixed_duckdb):
    """The issue's "done when": deliveries with registrations in 1923, 2015 and 2032 build,
    every row has its outcome, and the build names the years it could not classify."""
    outcomes = dict(mixed_duckdb.query("select coupon_id, outcome from audit.coupon_outcomes"
                                       " where coupon_id in ('Y1923', 'L1', 'Y2032') and outcome <> 'superseded'"))
    assert outcomes == {"Y1923": "counted", "L1": "counted", "Y2032": "counted"}
    unclassified = mixed_duckdb.query(f"select year from {TABLE} where reference_code = 'working_age_bounds'")
    assert {1923, 2015, 2032} <= {year for (year,) in unclassified}
    for year in (1923, 2015, 2032):
        assert f"{year} (" in mixed_duckdb.output


def test_registration_years_not_covered_correction_moves_a_coupon_between_years(mixed_duckdb):
    """L1, registered 2023-01-10 and corrected to 2015-01-10 after the cut-off of 2023-03-p:
    that release counts it in January 2023 (its period), 2023-06-p no longer does, and
    `latest` counts it in 2015."""
    def internal_arrivals(release_id: str, year: int) -> int:
        rows = mixed_duckdb.query(
            "select coalesce(sum(coupon_count), 0) from intermediate.int_coupon_counts_evaluated"
            f" where cell_shape_code = 'coupon' and release_id = '{release_id}' and registration_year = {year}"
            " and flow_code <> 'external'")
        return int(rows[0][0])

    assert internal_arrivals("2023-03-p", 2023) == internal_arrivals("2023-06-p", 2023) + 1
    assert internal_arrivals("latest", 2015) == 1
    assert internal_arrivals("2023-06-p", 2015) == 0


@pytest.mark.skipif(os.environ.get("KZMIG_SKIP_POSTGRES") == "1",
                    reason="KZMIG_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
def test_registration_years_not_covered_give_the_same_on_both_engines(mixed_duckdb, mixed_postgres):
    for sql in (f"select reference_code, consequence_code, year, coupon_count from {TABLE}",
                "select release_id, year, region_code, flow_code, sex_code, age_grouping_code, age_group_code,"
                " arrivals, departures from marts.migration_by_sex_and_age_annual",
                "select release_id, registration_year, registration_month, region_code"
                " from intermediate.int_evaluation_region_months_spined"):
        def key(row):
            return tuple((value is None, str(value)) for value in row)

        duck = sorted(mixed_duckdb.query(sql), key=key)
        assert duck and duck == sorted(mixed_postgres.query(sql), key=key), sql


def test_registration_years_not_covered_lines_word_the_rows():
    rows = [("population", "country_intensity_not_determined", 2015, 3),
            ("working_age_bounds", "working_age_group_not_determined", 1923, 1),
            ("working_age_bounds", "working_age_group_not_determined", 2015, 3)]
    assert not_covered_lines(rows) == [
        f"kzmig: years the reference data do not cover (counted all the same; {TABLE}):",
        "kzmig:   population: country_intensity_not_determined: 2015 (3 coupons)",
        "kzmig:   working_age_bounds: working_age_group_not_determined: 1923 (1 coupon), 2015 (3 coupons)",
    ]
    assert not_covered_lines([]) == []
    many = [("release_calendar", "counted_in_latest_only", year, 1) for year in range(1900, 1915)]
    assert not_covered_lines(many)[1].endswith("1911 (1 coupon), … and 3 more years")


def test_registration_years_not_covered_arriving_in_a_later_delivery_build_incrementally(tmp_path, step):
    """A warehouse built on the hand-written extracts takes a later delivery holding a late
    registration of 2016 and a 2099 one: the incremental build succeeds, counts both in
    `latest`, and the audit names the two years beside what it named before."""
    import shutil

    from conftest import FIXTURES_DIR

    landing = tmp_path / "landing"
    shutil.copytree(FIXTURES_DIR / "landing_csv", landing)
    with step("building the hand-written extracts, then a delivery of 2016 and 2099 on top"):
        database = build_warehouse(tmp_path / "build", landing)
        before = query(database, f"select reference_code, consequence_code, year, coupon_count from {TABLE}")
        late = [Row("coupons_2023_08", tuple(odd_year_coupon(2016, 1)), "counted", year=2016, age=29),
                Row("coupons_2023_08", tuple(odd_year_coupon(2099, 2, **KINDS[1])), "counted", year=2099, age=29)]
        write_landing(landing, late, "csv")
        build_warehouse(tmp_path / "build", landing)
    assert not any(year in (2016, 2099) for *_, year, _ in before)
    after = query(database, f"select reference_code, consequence_code, year, coupon_count from {TABLE}")
    assert sorted(after) == sorted(before + expected_not_covered(late))
    assert query(database, "select coupon_id, outcome from audit.coupon_outcomes"
                           " where source_file = 'coupons_2023_08.csv' order by 1") == [
        ("Y2016", "counted"), ("Y2099", "counted")]
    # the internal move of 2016: an arrival in one region, a departure from another
    assert query(database, "select year, age_group_code, sum(arrivals + departures)"
                           " from marts.migration_by_sex_and_age_annual where release_id = 'latest'"
                           " and age_grouping_code = 'working_age' and year in (2016, 2099)"
                           " and region_code != 'KZ' and sex_code != '_T'"
                           " group by year, age_group_code order by 1") == [(2016, "WA_U", 2), (2099, "WA_U", 1)]
