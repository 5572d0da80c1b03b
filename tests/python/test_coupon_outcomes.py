"""Coupon ingestion and cleaning (issue 3) on the hand-written extracts.

tests/fixtures/landing_csv holds four deliveries written by hand, with every flaw the
extract spec allows: both date forms, both line ends, byte-order marks, padded values,
lower-case codes, RFC 4180 quoting, a correction, a cancellation, a re-activation, ties, a
duplicate registration written in the other date form, and every outcome and reject
reason. tests/fixtures/expected_outcomes*.csv give the outcome each row must get (written
by hand, row by row, with the reason in a note); expected_counted_coupons.csv the coded
counted coupons; expected_release_coupons_2023-03-p.csv one release at its own cut-off.

- Every row gets exactly its expected outcome, without a cut-off and at a cut-off.
- The outcomes add up to the rows read; counted coupons (the rows counted in
  audit.coupon_outcomes, with their version's codes) carry the expected codes.
- Each release's coupon counts (intermediate.int_coupon_counts_evaluated) equal the
  counts of the `latest` evaluation of a build cut off at the release's cutoff_at, in the
  release's period.
- The same extracts as Parquet (every column a string, missing as null or as "") give
  identical outcomes and counted coupons.
- A malformed delivery (header, submitted_at, a ragged line, both formats, no files)
  stops the build with an error naming the file and the row, and nothing of that build
  reaches the marts.
- Row numbers stay in file order on large, multi-threaded reads of CSV and Parquet.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections import Counter
from pathlib import Path
from unittest import mock

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kzmig.project import KzmigError, dbt_vars, run_dbt

from conftest import FIXTURES_DIR, build_warehouse, query

FIXTURE_LANDING = FIXTURES_DIR / "landing_csv"
FEBRUARY_CUTOFF = "2023-02-28T23:59:59"
EXTRACT_COLUMNS = [
    "coupon_id", "coupon_type", "registration_date", "person_id_hash", "sex", "birth_date",
    "citizenship", "ethnicity_code", "kato_code", "counterpart_country",
    "counterpart_kato_code", "reason_code", "submitted_at", "record_status",
]
OUTCOMES = [
    "after_cutoff", "identical_row", "superseded", "withdrawn", "rejected",
    "duplicate_registration", "counted",
]
REJECT_REASONS = [
    "missing_coupon_id", "conflicting_versions", "invalid_record_status",
    "invalid_coupon_type", "invalid_registration_date", "registration_after_submission",
    "unknown_region", "missing_counterpart", "unknown_country", "departure_within_country",
    "unknown_counterpart_region",
]
COUNTED_COLUMNS = [
    "coupon_id", "coupon_type_code", "registration_date", "registration_year",
    "registration_month", "region_code", "counterpart_region_code", "counterpart_country_code",
    "flow_code", "is_cis", "sex_code", "age_years", "ethnic_group_code", "citizenship_code",
    "reason_code",
]
# The dimensions of the coupon counts of an evaluation (int_coupon_counts_evaluated).
COUNT_DIMENSIONS = [
    "registration_year", "registration_month", "coupon_type_code", "flow_code", "region_code",
    "counterpart_region_code", "counterpart_country_code", "is_cis", "ethnic_group_code",
]


# --- helpers -----------------------------------------------------------------------------

def read_expected(name: str) -> list[dict[str, str]]:
    with open(FIXTURES_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def expected_outcomes(name: str) -> dict[tuple[str, int], tuple[str, str, str]]:
    return {
        (row["source_file"], int(row["source_row"])):
            (row["coupon_id"], row["outcome"], row["reject_reason"])
        for row in read_expected(name)
    }


def built_outcomes(database: Path, stem_only: bool = False) -> dict[tuple[str, int], tuple[str, str, str]]:
    rows = query(database, "select source_file, source_row, coupon_id, outcome, reject_reason"
                           " from audit.coupon_outcomes")
    return {
        (Path(source_file).stem if stem_only else source_file, source_row):
            (coupon_id or "", outcome, reject_reason or "")
        for source_file, source_row, coupon_id, outcome, reject_reason in rows
    }


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def counted_coupons(database: Path) -> dict[str, list[str]]:
    """The coupons counted (as of the build's cut-off): the rows whose outcome is
    'counted', with the codes of their version."""
    columns = ", ".join(f"versions.{column}" for column in COUNTED_COLUMNS)
    rows = query(database, f"""
        select {columns}
        from audit.coupon_outcomes as outcomes
        inner join intermediate.int_coupon_rows_checked as versions
            on outcomes.source_file = versions.source_file
            and outcomes.source_row = versions.source_row
        where outcomes.outcome = 'counted'""")
    assert len({row[0] for row in rows}) == len(rows)  # one counted row per coupon
    return {row[0]: [as_text(value) for value in row] for row in rows}


def coupon_counts(database: Path, release_id: str, where: str = "true") -> dict[tuple, int]:
    """{dimensions: coupon_count} of one evaluation in int_coupon_counts_evaluated."""
    rows = query(database, f"""
        select {', '.join(COUNT_DIMENSIONS)}, coupon_count
        from intermediate.int_coupon_counts_evaluated
        where cell_shape_code = 'coupon' and release_id = ? and {where}""", [release_id])
    counts = {tuple(row[:-1]): row[-1] for row in rows}
    assert len(counts) == len(rows), release_id  # one row per combination of dimensions
    return counts


def read_extract(path: Path) -> list[list[str]]:
    """Rows of a CSV extract as the spec reads it (BOM dropped, quotes resolved), header first."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def write_parquet(rows: list[list[str]], path: Path, empty_as_null: bool,
                  row_group_size: int | None = None) -> None:
    header, data = rows[0], rows[1:]
    columns = {
        name: pa.array([(None if empty_as_null and row[index] == "" else row[index]) for row in data],
                       type=pa.string())
        for index, name in enumerate(header)
    }
    pq.write_table(pa.table(columns), path, row_group_size=row_group_size)


def copy_landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    return landing


def rewrite_line(path: Path, line_number: int, old: str, new: str) -> None:
    """Replace `old` by `new` on one line (1 = header) of a file, keeping its bytes otherwise."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    assert old.encode() in lines[line_number - 1], (path, line_number, lines[line_number - 1])
    lines[line_number - 1] = lines[line_number - 1].replace(old.encode(), new.encode(), 1)
    path.write_bytes(b"\n".join(lines))


def run_dbt_in(workdir: Path, args: list[str]) -> Path:
    """One dbt command against a warehouse of its own in `workdir`; returns the DuckDB file."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tmp").mkdir(exist_ok=True)
    database = workdir / "warehouse.duckdb"
    overrides = {
        "DBT_DUCKDB_PATH": str(database),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "KZMIG_DUCKDB_TEMP_DIR": str(workdir / "tmp"),
    }
    with mock.patch.dict(os.environ, overrides):
        run_dbt(args, quiet=True)
    return database


# --- builds ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def csv_build(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("coupons_csv"), FIXTURE_LANDING)


@pytest.fixture(scope="module")
def february_build(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("coupons_february"), FIXTURE_LANDING,
                           cutoff=FEBRUARY_CUTOFF)


@pytest.fixture(scope="module")
def parquet_build(tmp_path_factory) -> Path:
    """The fixture extracts as Parquet files: missing values as null in some files, "" in others."""
    landing = tmp_path_factory.mktemp("coupons_parquet_landing")
    for number, path in enumerate(sorted(FIXTURE_LANDING.glob("coupons_*.csv"))):
        write_parquet(read_extract(path), landing / f"{path.stem}.parquet", empty_as_null=number % 2 == 0)
    return build_warehouse(tmp_path_factory.mktemp("coupons_parquet"), landing)


# --- the fixtures themselves -------------------------------------------------------------

def test_fixture_files_carry_the_flaws_they_are_meant_to_test():
    files = {path.name: path.read_bytes() for path in FIXTURE_LANDING.glob("coupons_*.csv")}
    bom = b"\xef\xbb\xbf"
    assert sorted(name for name, data in files.items() if data.startswith(bom)) == [
        "coupons_2023_02.csv", "coupons_2023_03.csv"]
    assert sorted(name for name, data in files.items() if b"\r\n" in data) == [
        "coupons_2023_02.csv", "coupons_2023_05.csv"]
    for name in ("coupons_2023_02.csv", "coupons_2023_05.csv"):
        assert files[name].count(b"\n") == files[name].count(b"\r\n"), name
    text = b"".join(files.values()).decode("utf-8")
    assert ",16.01.2023," in text and ",2023-01-16," in text  # the duplicate, in both date forms
    assert " C023 , a ," in text and " kgz " in text and " Active " in text  # padding, case
    assert '"0""7"' in text  # RFC 4180 quoting


def test_the_expected_outcomes_cover_every_outcome_and_every_reason():
    rows = read_expected("expected_outcomes.csv") + read_expected("expected_outcomes_cutoff_2023-02-28.csv")
    assert {row["outcome"] for row in rows} == set(OUTCOMES)
    assert {row["reject_reason"] for row in rows if row["reject_reason"]} == set(REJECT_REASONS)
    for row in rows:
        assert (row["outcome"] == "rejected") == bool(row["reject_reason"]), row


def test_the_expected_outcomes_list_every_row_of_the_extracts():
    rows_read = {
        (path.name, number)
        for path in FIXTURE_LANDING.glob("coupons_*.csv")
        for number in range(1, len(read_extract(path)))
    }
    assert set(expected_outcomes("expected_outcomes.csv")) == rows_read
    assert set(expected_outcomes("expected_outcomes_cutoff_2023-02-28.csv")) == rows_read


# --- outcomes ----------------------------------------------------------------------------

def test_every_row_gets_its_expected_outcome(csv_build):
    assert built_outcomes(csv_build) == expected_outcomes("expected_outcomes.csv")


def test_every_row_gets_its_expected_outcome_at_a_cutoff(february_build):
    assert built_outcomes(february_build) == expected_outcomes("expected_outcomes_cutoff_2023-02-28.csv")


@pytest.mark.parametrize("build", ["csv_build", "february_build"])
def test_the_outcome_summary_adds_up_to_the_rows_read(build, request):
    database = request.getfixturevalue(build)
    rows_read = sum(len(read_extract(path)) - 1 for path in FIXTURE_LANDING.glob("coupons_*.csv"))
    summary = query(database, "select outcome, reject_reason, row_count from audit.coupon_outcome_summary"
                              " order by outcome_rank")
    assert sum(row_count for _, _, row_count in summary) == rows_read
    assert query(database, "select count(*) from landing.coupon_extract_rows") == [(rows_read,)]
    outcomes = query(database, "select outcome, reject_reason from audit.coupon_outcomes")
    assert {(outcome, reason): count for outcome, reason, count in summary if count} == dict(Counter(outcomes))
    assert [(outcome, reason) for outcome, reason, _ in summary] == (
        [("after_cutoff", None), ("identical_row", None), ("rejected", "missing_coupon_id"),
         ("superseded", None), ("rejected", "conflicting_versions"), ("withdrawn", None)]
        + [("rejected", reason) for reason in REJECT_REASONS[2:]]
        + [("duplicate_registration", None), ("counted", None)]
    )


def test_counted_coupons_carry_the_expected_codes(csv_build):
    expected = {row["coupon_id"]: [row[column] for column in COUNTED_COLUMNS]
                for row in read_expected("expected_counted_coupons.csv")}
    assert counted_coupons(csv_build) == expected


def test_the_latest_coupon_counts_are_the_rows_counted(csv_build, february_build):
    """The counts of the `latest` evaluation add up the counted rows, month by month and
    by every dimension (at the build's cut-off too)."""
    for database in (csv_build, february_build):
        counted = Counter(tuple(row) for row in query(database, f"""
            select {', '.join(f'versions.{column}' for column in COUNT_DIMENSIONS)}
            from audit.coupon_outcomes as outcomes
            inner join intermediate.int_coupon_rows_checked as versions
                on outcomes.source_file = versions.source_file
                and outcomes.source_row = versions.source_row
            where outcomes.outcome = 'counted'"""))
        assert coupon_counts(database, "latest") == dict(counted)
        assert sum(counted.values()) > 0


def test_no_personal_data_leaves_the_intermediate_layer(csv_build):
    personal = query(csv_build, """
        select table_schema, table_name, column_name
        from information_schema.columns
        where (column_name like '%person%' or column_name like '%birth%')
          and (table_schema in ('marts', 'audit') or table_name = 'int_coupon_counts_evaluated')
    """)
    assert personal == []


# --- releases ----------------------------------------------------------------------------

def test_a_release_is_counted_at_its_own_cutoff(csv_build):
    """2023-03-p counts, by counterpart country, the coupons the expected file lists (the
    May correction and cancellations not yet known), not those counted today."""
    listed = read_expected("expected_release_coupons_2023-03-p.csv")
    assert {row["release_id"] for row in listed} == {"2023-03-p"}
    expected = Counter(row["counterpart_country_code"] for row in listed)
    built = Counter()
    for dimensions, count in coupon_counts(csv_build, "2023-03-p").items():
        built[dimensions[COUNT_DIMENSIONS.index("counterpart_country_code")]] += count
    assert built == expected
    latest = Counter()
    for dimensions, count in coupon_counts(csv_build, "latest", "registration_year = 2023"
                                           " and registration_month <= 3").items():
        latest[dimensions[COUNT_DIMENSIONS.index("counterpart_country_code")]] += count
    assert latest != expected  # the later deliveries changed the period


def test_every_release_equals_a_build_cut_off_at_its_cutoff(csv_build, tmp_path_factory):
    """Each release of the calendar holds what a build cut off at the release's cutoff_at
    counts in the release's period. Builds are needed only for cut-offs that fall between
    the fixture's submissions; before the first nothing is known, after the last all is."""
    releases = query(csv_build, "select release_id, period_year, period_end_month,"
                                " strftime(cutoff_at, '%Y-%m-%dT%H:%M:%S') from reference.release_calendar")
    first_submission, last_submission = [
        moment.strftime("%Y-%m-%dT%H:%M:%S") for moment in query(
            csv_build, "select min(submitted_at), max(submitted_at) from staging.stg_coupons__extract_rows")[0]]
    cutoff_builds: dict[str, Path] = {}
    compared = 0
    for release_id, year, end_month, cutoff in releases:
        in_period = f"registration_year = {year} and registration_month <= {end_month}"
        if cutoff < first_submission:
            reference = {}
        elif cutoff >= last_submission:
            reference = coupon_counts(csv_build, "latest", where=in_period)
        else:
            if cutoff not in cutoff_builds:
                workdir = tmp_path_factory.mktemp("coupons_release_cutoff")
                run_dbt_in(workdir, ["seed"])
                cutoff_builds[cutoff] = run_dbt_in(workdir, [
                    "run", "--select", "+int_coupon_counts_evaluated",
                    "--vars", dbt_vars(FIXTURE_LANDING, cutoff)])
            reference = coupon_counts(cutoff_builds[cutoff], "latest", where=in_period)
        release = coupon_counts(csv_build, release_id)
        assert release == reference, release_id
        compared += sum(release.values())
    assert cutoff_builds  # at least one release falls between the deliveries
    assert compared > 100  # the 2023 releases hold the fixture's coupons


def test_a_cutoff_leaves_out_the_later_releases(february_build):
    assert query(february_build, "select count(*) from intermediate.int_coupon_counts_evaluated r"
                                 " join reference.release_calendar c using (release_id)"
                                 " where c.cutoff_at > timestamp '2023-02-28 23:59:59'") == [(0,)]
    assert query(february_build, "select count(*) from marts.dim_release r"
                                 " join reference.release_calendar c using (release_id)"
                                 " where c.cutoff_at > timestamp '2023-02-28 23:59:59'") == [(0,)]


# --- Parquet -----------------------------------------------------------------------------

def test_parquet_extracts_give_identical_outcomes(csv_build, parquet_build):
    parquet = built_outcomes(parquet_build, stem_only=True)
    assert parquet == built_outcomes(csv_build, stem_only=True)
    assert {source_file for (source_file,) in query(parquet_build, "select source_file from audit.coupon_outcomes")} \
        == {f"{path.stem}.parquet" for path in FIXTURE_LANDING.glob("coupons_*.csv")}


def test_parquet_extracts_give_identical_counted_coupons(csv_build, parquet_build):
    assert counted_coupons(parquet_build) == counted_coupons(csv_build)
    counts_query = "select * from intermediate.int_coupon_counts_evaluated order by all"
    assert query(parquet_build, counts_query) == query(csv_build, counts_query)


# --- malformed deliveries ----------------------------------------------------------------

def _renamed_header(landing: Path) -> None:
    rewrite_line(landing / "coupons_2023_03.csv", 1, "reason_code", "reason")


def _missing_column(landing: Path) -> None:
    rewrite_line(landing / "coupons_2023_03.csv", 1, ",record_status", "")


def _no_header(landing: Path) -> None:
    (landing / "coupons_2023_06.csv").write_bytes(b"")


def _impossible_submitted_at(landing: Path) -> None:
    rewrite_line(landing / "coupons_2023_02.csv", 3, "2023-02-10T08:00:00", "2023-02-30T08:00:00")


def _submitted_at_with_a_space(landing: Path) -> None:
    rewrite_line(landing / "coupons_2023_05.csv", 4, "2023-05-03T10:00:00", "2023-05-03 10:00:00")


def _empty_submitted_at(landing: Path) -> None:
    rewrite_line(landing / "coupons_2023_01.csv", 46, "2023-01-27T09:00:00", "")


def _ragged_line(landing: Path) -> None:
    rewrite_line(landing / "coupons_2023_01.csv", 3, ",active", ",active,extra")


def _both_formats(landing: Path) -> None:
    path = landing / "coupons_2023_05.csv"
    write_parquet(read_extract(path), landing / "coupons_2023_06.parquet", empty_as_null=True)


def _bad_parquet_columns(landing: Path) -> None:
    for path in list(landing.glob("*.csv")):
        rows = read_extract(path)
        rows[0] = [name.upper() if name == "sex" else name for name in rows[0]]
        write_parquet(rows, landing / f"{path.stem}.parquet", empty_as_null=True)
        path.unlink()


def _no_extracts(landing: Path) -> None:
    for path in landing.glob("*.csv"):
        path.unlink()


MALFORMED_DELIVERIES = {
    "renamed header column": (_renamed_header, ["malformed delivery coupons_2023_03.csv, header, column reason_code",
                                                "found 'reason' as column 12"]),
    "missing header column": (_missing_column, ["malformed delivery coupons_2023_03.csv, header, column record_status",
                                                "13 columns, without record_status"]),
    "empty file": (_no_header, ["malformed delivery coupons_2023_06.csv, header: found an empty file"]),
    "impossible submitted_at": (_impossible_submitted_at,
                                ["malformed delivery coupons_2023_02.csv, row 2, column submitted_at",
                                 "found '2023-02-30T08:00:00'", "expected a timestamp YYYY-MM-DDTHH:MM:SS"]),
    "submitted_at with a space": (_submitted_at_with_a_space,
                                  ["malformed delivery coupons_2023_05.csv, row 3, column submitted_at",
                                   "'2023-05-03 10:00:00'"]),
    "empty submitted_at": (_empty_submitted_at, ["malformed delivery coupons_2023_01.csv, row 45, column submitted_at",
                                                 "found an empty value"]),
    "ragged line": (_ragged_line, ["malformed delivery coupons_2023_01.csv, row 2, column 15 (no such column)",
                                   "found 15 values"]),
    "csv and parquet": (_both_formats, ["malformed delivery coupons_2023_01.csv and coupons_2023_06.parquet",
                                        "both CSV and Parquet deliveries", "one format per landing folder"]),
    # spec 1.2: Parquet columns are matched by name, in any order
    "parquet columns": (_bad_parquet_columns, ["malformed delivery coupons_2023_01.parquet, column 'SEX'",
                                               "found a column 'SEX' that is not the spec's",
                                               "in any order, each once"]),
    "no extracts": (_no_extracts, ["no coupon extracts:", "holds no delivery"]),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_DELIVERIES))
def test_a_malformed_delivery_stops_the_build_naming_the_file_and_row(case, tmp_path):
    mutate, messages = MALFORMED_DELIVERIES[case]
    landing = copy_landing(tmp_path)
    mutate(landing)
    with pytest.raises(KzmigError) as failure:
        run_dbt_in(tmp_path / "build", ["build", "--exclude", "resource_type:seed", "--vars", dbt_vars(landing)])
    for message in messages:
        assert message in str(failure.value), str(failure.value)[-2000:]
    database = tmp_path / "build" / "warehouse.duckdb"
    built = query(database, "select table_schema || '.' || table_name from information_schema.tables"
                            " where table_schema in ('landing', 'staging', 'intermediate', 'marts', 'audit')"
                            " and table_name <> 'build_runs'")
    assert built == []


def test_nothing_of_a_malformed_build_reaches_the_marts(tmp_path):
    landing = copy_landing(tmp_path)
    workdir = tmp_path / "build"
    database = build_warehouse(workdir, landing)
    tables = [table for (table,) in query(database, """
        select table_schema || '.' || table_name from information_schema.tables
        where table_schema in ('landing', 'intermediate', 'marts', 'audit') and table_name <> 'build_runs'
        order by 1""")]
    before = {table: query(database, f"select count(*), sum(hash(t)) from {table} as t") for table in tables}
    assert before["landing.coupon_extract_rows"][0][0] == 70

    # a new delivery arrives with a new coupon, and a later row with a malformed submitted_at
    (landing / "coupons_2023_06.csv").write_text(
        ",".join(EXTRACT_COLUMNS) + "\n"
        "C900,A,2023-06-01,,1,,KAZ,001,751010000,RUS,,01,2023-06-02T10:00:00,active\n"
        "C901,A,2023-06-01,,1,,KAZ,001,751010000,RUS,,01,2023-06-31T10:00:00,active\n",
        encoding="utf-8")
    with pytest.raises(KzmigError, match="malformed delivery coupons_2023_06.csv, row 2, column submitted_at"):
        build_warehouse(workdir, landing)
    after = {table: query(database, f"select count(*), sum(hash(t)) from {table} as t") for table in tables}
    assert after == before


# --- reading large files -----------------------------------------------------------------

def test_row_numbers_follow_the_file_on_large_multithreaded_reads(tmp_path):
    rows = 300_000
    template = "R{n},A,2023-01-05,,1,,KAZ,001,751010000,RUS,,01,2023-01-20T10:00:00,active\r\n"
    csv_landing = tmp_path / "csv"
    csv_landing.mkdir()
    with open(csv_landing / "coupons_2023_01.csv", "w", encoding="utf-8", newline="") as handle:
        handle.write("\ufeff" + ",".join(EXTRACT_COLUMNS) + "\r\n")
        handle.writelines(template.format(n=n) for n in range(1, rows + 1))
    (csv_landing / "coupons_2023_02.csv").write_text(
        ",".join(EXTRACT_COLUMNS) + "\n" + template.format(n=1).replace("\r\n", "\n"), encoding="utf-8")
    parquet_landing = tmp_path / "parquet"
    parquet_landing.mkdir()
    for path in csv_landing.glob("*.csv"):
        write_parquet(read_extract(path), parquet_landing / f"{path.stem}.parquet",
                      empty_as_null=True, row_group_size=20_000)

    for landing, extension in ((csv_landing, "csv"), (parquet_landing, "parquet")):
        database = run_dbt_in(tmp_path / f"build_{extension}",
                              ["run", "--select", "stg_coupons__extract_rows", "--vars", dbt_vars(landing)])
        assert query(database, """
            select source_file, count(*), min(source_row), max(source_row),
                   count(*) filter (where coupon_id <> 'R' || source_row)
            from staging.stg_coupons__extract_rows group by source_file order by source_file
        """) == [
            (f"coupons_2023_01.{extension}", rows, 1, rows, 0),
            (f"coupons_2023_02.{extension}", 1, 1, 1, 0),
        ]
