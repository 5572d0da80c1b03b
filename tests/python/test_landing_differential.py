"""Class: the landing check and the build's reader agree (extract spec 1.2), on generated deliveries.

The landing check (kzmig.landing) decides whether a delivery is well formed and counts its
records; the build then reads the delivery with DuckDB (read_csv / read_parquet, the query
of macros/landing/landing_relation_sql.sql that the hook makes the landing view of) or, on
PostgreSQL, with the records the check read (kzmig load). Hypothesis writes many small
deliveries mixing line ends (\\n, \\r\\n, a lone \\r), empty lines, quoting, carriage returns
and line feeds inside values, byte-order marks, NUL characters, bytes that are not UTF-8,
records of just under and just over 1 MiB, header variants (padding, case, order, width),
and, for Parquet, string, large-string, dictionary, null and other types with the columns in
any order. For each:

- the check's verdict is the spec's (an independent statement of the rules, `spec_csv` and
  `spec_parquet` below, computed while the delivery is generated);
- when the check accepts, the reader query itself (rendered once from the macro, run on the
  one file) reads exactly the records the check counted, numbered from 1, with the same
  values (an empty CSV value, quoted or not, reads as null);
- when it refuses, the message is the one clear line: the file, the row (or `header`), the
  column where there is one, what was found and what was expected.

Seeded (derandomize) and bounded (max_examples), so that it runs the same in CI in seconds.
A handful of full `kzmig build` runs then make the end-to-end claim on DuckDB (accepted
deliveries reach staging whole; refused ones stop the build with the check's message), and
the examples it found are kept below as named regression tests.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from kzmig.landing import (
    EXTRACT_COLUMNS,
    MAX_RECORD_BYTES,
    MalformedDelivery,
    check_delivery,
    check_landing,
    csv_records,
)
from kzmig.project import PROJECT_DIR

from conftest import build_warehouse, query, warehouse_environment

WIDTH = len(EXTRACT_COLUMNS)
PLACEHOLDER_DIR = "/kzmig-landing-placeholder"
CSV_NAME = "coupons_2000_01.csv"
PARQUET_NAME = "coupons_2000_01.parquet"
MESSAGE = re.compile(r"malformed delivery (?P<file>\S+)(, (?P<row>header|row [1-9][0-9]*))?(, column [^:]+)?: "
                     r"found .+; expected .+\.", re.DOTALL)
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=150,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])


# --- the reader query, rendered once from the macros the hook runs --------------------------

@pytest.fixture(scope="module")
def reader_queries(tmp_path_factory) -> dict[str, str]:
    """The landing query of one CSV and of one Parquet delivery, as the hook builds it
    (macro landing_relation_sql), with the landing folder as a placeholder."""
    from dbt.cli.main import dbtRunner

    workdir = tmp_path_factory.mktemp("reader_query")
    separator = "-- kzmig: next query --"
    inline = separator.join(
        "{{ landing_relation_sql([{'source_file': '%s', 'file_format': '%s'}]) }}" % (name, file_format)
        for file_format, name in (("csv", CSV_NAME), ("parquet", PARQUET_NAME)))
    with warehouse_environment(workdir):
        result = dbtRunner().invoke([
            "compile", "--quiet", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR / "profiles"),
            "--inline", inline, "--vars", f"{{landing_dir: '{PLACEHOLDER_DIR}'}}"])
    assert result.success, result.exception
    queries = dict(zip(("csv", "parquet"), result.result.results[0].node.compiled_code.split(separator)))
    assert "read_csv(" in queries["csv"] and "read_parquet(" in queries["parquet"]
    return queries


def read_as_the_build_does(queries: dict[str, str], path: Path) -> list[tuple[int, list[str | None]]]:
    """The rows the build's landing view gives for the one delivery at `path`."""
    file_format = path.suffix.lstrip(".")
    sql = queries[file_format].replace(PLACEHOLDER_DIR, str(path.parent))
    with duckdb.connect() as connection:
        rows = connection.execute(f"select * from ({sql}) as delivered order by source_row").fetchall()
    assert all(row[0] == path.name for row in rows)
    return [(row[1], list(row[2:])) for row in rows]


def assert_one_clear_message(error: MalformedDelivery, name: str) -> None:
    message = str(error)
    match = MESSAGE.fullmatch(message)
    assert match, message
    assert match["file"].rstrip(",:") == name
    assert "\r" not in message and "\x00" not in message, message


# --- CSV: generated deliveries -------------------------------------------------------------

# Pieces of values: codes and dates, white space, the characters of CSV's syntax, a byte-order
# mark inside a value, Cyrillic, Unicode line separators.
ATOMS = ["A", "7", "2023-01-05", "KAZ", " ", "\t", "\xa0", "\u3000", ",", '"', "\r", "\n", "\r\n", "\ufeff",
         "Ж", "қ", "\u2028", "\x85", ";", "C1", "751010000", ""]
RARE_ATOMS = ["\r", "\x00", '"', "\r"]
HEADER_PADDING = [" ", "\t", "\xa0", "\u2007", "\u202f", "\u3000", "\n", "\r\n", "\u200b"]


def rarely(draw, n: int) -> bool:
    """True about once in n + 1 draws (Hypothesis draws small integers more often than
    others, so `integers(0, n) == 0` would be far more frequent than that)."""
    return draw(st.sampled_from([False] * n + [True]))


@dataclasses.dataclass
class CsvCase:
    """A generated CSV delivery with the spec's verdict and the records it holds."""

    data: bytes
    valid: bool                      # the spec's verdict (extract spec 1.2)
    rows: list[list[str]]            # when valid: the data rows' values


def spec_value_ok(value: str, quoted: bool) -> bool:
    """Whether a value may stand in a record as written (RFC 4180; 1.2: no NUL, no lone CR)."""
    if "\x00" in value:
        return False
    if quoted:
        return True
    return not any(character in value for character in ',"\r\n')


@st.composite
def csv_cases(draw) -> CsvCase:
    valid = True
    parts: list[bytes] = []
    bom = draw(st.booleans())

    def encode_record(values: list[bytes], quoted: list[bool]) -> bytes:
        return b",".join(b'"' + value.replace(b'"', b'""') + b'"' if quote else value
                         for value, quote in zip(values, quoted))

    # the header: the spec's names, perhaps padded, quoted, in another case or order, or of another width
    names = list(EXTRACT_COLUMNS)
    header_quoted = [rarely(draw, 5) for _ in range(WIDTH + 1)]
    variant = draw(st.sampled_from(["plain"] * 3 + ["padded"] * 4 + ["quoted"] * 2
                                   + ["case", "swapped", "short", "trailing-comma"]))
    if variant == "case":
        index = draw(st.integers(0, WIDTH - 1))
        names[index] = names[index].upper()
        valid = False
    elif variant == "swapped":
        names[2], names[3] = names[3], names[2]
        valid = False
    elif variant == "short":
        names = names[:-1]
        valid = False
    elif variant == "trailing-comma":
        names = names + [""]
        valid = False
    if variant == "padded":
        index = draw(st.integers(0, len(names) - 1))
        padding = draw(st.sampled_from(HEADER_PADDING))
        names[index] = (padding + names[index]) if draw(st.booleans()) else (names[index] + padding)
        header_quoted[index] = header_quoted[index] or padding in ("\n", "\r\n")
        if padding == "\u200b":  # not White_Space
            valid = False
    header_quoted = [variant == "quoted" or quoted for quoted in header_quoted[:len(names)]]
    for name, quoted in zip(names, header_quoted):
        valid = valid and spec_value_ok(name, quoted)
    header = encode_record([name.encode() for name in names], header_quoted)
    valid = valid and len(header) <= MAX_RECORD_BYTES

    row_count = draw(st.integers(1, 6)) if not rarely(draw, 8) else 0  # now and then a header alone
    # now and then one record near 1 MiB
    big_row = draw(st.integers(1, row_count)) if row_count and rarely(draw, 6) else 0
    rows: list[list[str]] = []
    records: list[bytes] = [header]
    for number in range(1, row_count + 1):
        width = WIDTH if not rarely(draw, 60) else draw(st.sampled_from([WIDTH - 1, WIDTH + 1]))
        valid = valid and width == WIDTH
        values = [draw(st.lists(st.sampled_from(ATOMS), max_size=3).map("".join)) for _ in range(width)]
        if rarely(draw, 10):  # now and then a NUL, a carriage return or a quote
            column = draw(st.integers(0, width - 1))
            values[column] += draw(st.sampled_from(RARE_ATOMS))
        if width < WIDTH:  # an unquoted comma would make up the missing value
            values = [value.replace(",", ";") for value in values]
        # a value holding CSV's syntax is quoted, but now and then not
        quoted = []
        for column, value in enumerate(values):
            syntax = any(character in value for character in ',"\r\n')
            quoted.append(draw(st.booleans()) or (column == width - 1 and not rarely(draw, 2))
                          or (syntax and not rarely(draw, 80)))
        for column in (0, width - 1):  # a line break at a record's edge would only add an empty line
            quoted[column] = quoted[column] or "\r" in values[column] or "\n" in values[column]
        encoded = [value.encode() for value in values]
        if rarely(draw, 80):  # a value in another code page
            column = draw(st.integers(0, width - 1))
            encoded[column] = "Алматы".encode("cp1251")
            valid = False
        for value, quote in zip(values, quoted):
            valid = valid and spec_value_ok(value, quote)
        if number == big_row:
            column = draw(st.integers(0, width - 1))
            rest = len(encode_record(encoded, quoted))
            target = MAX_RECORD_BYTES + draw(st.integers(-3, 3))
            filler = max(target - rest, 0)
            encoded[column] += b"x" * filler
            values[column] += "x" * filler
        record = encode_record(encoded, quoted)
        valid = valid and len(record) <= MAX_RECORD_BYTES
        records.append(record)
        rows.append(values)

    # line ends, empty lines, and the last line end
    for index, record in enumerate(records):
        parts.append(record)
        last = index == len(records) - 1
        end = b"\r" if rarely(draw, 12) else draw(st.sampled_from([b"\n", b"\r\n"]))
        if last and not draw(st.booleans()):
            end = b""
        if end == b"\r":
            valid = False  # a lone carriage return outside quotes ends nothing
        parts.append(end)
        if end not in (b"\r", b"") and rarely(draw, 6):  # empty lines
            parts.append(draw(st.sampled_from([b"\n", b"\r\n", b"\r\n\r\n"])))
    data = (b"\xef\xbb\xbf" if bom else b"") + b"".join(parts)
    return CsvCase(data, valid, rows if valid else [])


def _check_csv_case(queries: dict[str, str], folder: Path, case: CsvCase) -> None:
    path = folder / CSV_NAME
    path.write_bytes(case.data)
    try:
        report = check_delivery(path)
    except MalformedDelivery as error:
        assert not case.valid, f"the check refused a well-formed delivery: {error}"
        assert_one_clear_message(error, CSV_NAME)
        event(f"refused: {error.found.split(' in the value')[0].split(' the value')[0][:40]}")
        return
    event(f"accepted, {min(len(case.rows), 3)}+ rows")
    assert case.valid, f"the check accepted a malformed delivery {case.data[:300]!r}"
    checked = list(csv_records(path.name, case.data))
    assert checked == [(number, values) for number, values in enumerate(case.rows, start=1)]
    assert report.row_count == len(case.rows)
    # the build's reader: the same records, numbered alike, the same values (empty as null)
    read = read_as_the_build_does(queries, path)
    assert read == [(number, [value if value != "" else None for value in values]) for number, values in checked]


# Found by the generator (and by the issue): kept as named examples.
LONE_CR_RECORD_ENDS = CsvCase(
    (",".join(EXTRACT_COLUMNS) + "\r" + ",".join(["C1"] + ["x"] * 13) + "\r").encode(), False, [])
THREE_MIB_VALUE = CsvCase(
    (",".join(EXTRACT_COLUMNS) + "\n" + ",".join(["C1", "y" * (3 << 20)] + ["x"] * 12) + "\n").encode(), False, [])
QUOTED_LONE_CR = CsvCase(
    (",".join(EXTRACT_COLUMNS) + "\r\n" + ",".join(['"C\r1"'] + ["x"] * 13) + "\n").encode(), True,
    [["C\r1"] + ["x"] * 13])
# a value of almost 1 MiB in a record of exactly 1 MiB: Python's csv module refused values
# over 128 KiB (its default field_size_limit), so kzmig load could not copy what the check accepted
ONE_MIB_RECORD = CsvCase(
    (",".join(EXTRACT_COLUMNS) + "\n" + ",".join(["C1", "y" * (MAX_RECORD_BYTES - 15)] + [""] * 12) + "\n").encode(),
    True, [["C1", "y" * (MAX_RECORD_BYTES - 15)] + [""] * 12])
# a quoted last value at the very end of the file (no final line end): the scan took its
# closing quote for one followed by text (found while writing the tests by hand; the
# generator had not drawn it, so its share of such endings was raised)
QUOTED_LAST_VALUE_AT_THE_END = CsvCase(
    (",".join(EXTRACT_COLUMNS) + "\r\n" + ",".join(['"C1"'] + ['""'] * 12 + ['"a\r\nb"'])).encode(),
    True, [["C1"] + [""] * 12 + ["a\r\nb"]])
MULTI_LINE_HEADER = CsvCase(
    ('"\r\ncoupon_id"' + "," + ",".join(EXTRACT_COLUMNS[1:]) + "\n" + ",".join(["C1"] + [""] * 13)).encode(),
    True, [["C1"] + [""] * 13])


@SETTINGS
@given(case=csv_cases())
@example(case=LONE_CR_RECORD_ENDS)
@example(case=THREE_MIB_VALUE)
@example(case=QUOTED_LONE_CR)
@example(case=MULTI_LINE_HEADER)
@example(case=ONE_MIB_RECORD)
@example(case=QUOTED_LAST_VALUE_AT_THE_END)
def test_the_reader_reads_exactly_what_the_check_accepted_csv(reader_queries, tmp_path_factory, case):
    _check_csv_case(reader_queries, tmp_path_factory.mktemp("csv", numbered=True), case)


# --- Parquet: generated deliveries ---------------------------------------------------------

PARQUET_TYPES = ["string", "string", "large_string", "dictionary", "null", "int64", "binary"]


@dataclasses.dataclass
class ParquetCase:
    table: pa.Table
    valid: bool
    rows: list[dict[str, str | None]]


@st.composite
def parquet_cases(draw) -> ParquetCase:
    valid = True
    row_count = draw(st.integers(0, 4))
    names = list(EXTRACT_COLUMNS)
    order = draw(st.permutations(names))
    change = draw(st.sampled_from(["none"] * 12 + ["missing", "extra", "renamed", "padded"]))
    if change == "missing":
        order = order[:-1]
        valid = False
    elif change == "extra":
        order = [*order, "note"]
        valid = False
    big_row = draw(st.integers(1, row_count)) if row_count and rarely(draw, 6) else 0
    columns, fields, rows = {}, [], [dict() for _ in range(row_count)]
    for name in order:
        kind = draw(st.sampled_from(PARQUET_TYPES)) if rarely(draw, 40) else \
            draw(st.sampled_from(PARQUET_TYPES[:5]))
        if kind in ("int64", "binary"):
            valid = False
        if kind == "null":
            values = [None] * row_count
            array = pa.nulls(row_count)
        elif kind == "int64":
            values = [draw(st.one_of(st.none(), st.integers(0, 999))) for _ in range(row_count)]
            array = pa.array(values, type=pa.int64())
        else:
            values = [draw(st.one_of(st.none(), st.lists(st.sampled_from(ATOMS), max_size=3).map("".join)))
                      for _ in range(row_count)]
            if row_count and rarely(draw, 60):
                values[0] = (values[0] or "") + "\x00"
            if big_row and big_row <= row_count and name == order[0]:
                values[big_row - 1] = "x" * (MAX_RECORD_BYTES + draw(st.integers(-40, 3)))
            for value in values:
                valid = valid and (value is None or "\x00" not in value)
            array = pa.array(values, type=pa.string())
            if kind == "large_string":
                array = array.cast(pa.large_string())
            elif kind == "dictionary":
                array = array.dictionary_encode()
            elif kind == "binary":
                array = array.cast(pa.binary())
        stored = name
        if change == "renamed" and name == order[0]:
            stored = name.upper()
            valid = False
        elif change == "padded" and name == order[0]:
            stored = " " + name  # a Parquet schema's names are not trimmed
            valid = False
        columns[stored] = array
        for index in range(row_count):
            rows[index][name] = values[index]
    for row in rows:
        if sum(len(value.encode()) for value in row.values() if isinstance(value, str)) > MAX_RECORD_BYTES:
            valid = False
    return ParquetCase(pa.table(columns), valid, rows if valid else [])


def _check_parquet_case(queries: dict[str, str], folder: Path, case: ParquetCase) -> None:
    path = folder / PARQUET_NAME
    pq.write_table(case.table, path)
    try:
        report = check_delivery(path)
    except MalformedDelivery as error:
        assert not case.valid, f"the check refused a well-formed delivery: {error}"
        assert_one_clear_message(error, PARQUET_NAME)
        event(f"refused: {error.found[:30]}")
        return
    event(f"accepted, {min(len(case.rows), 3)}+ rows")
    assert case.valid, f"the check accepted a malformed delivery {case.table.schema}"
    assert report.row_count == len(case.rows)
    read = read_as_the_build_does(queries, path)
    assert read == [(number, [row[column] for column in EXTRACT_COLUMNS])
                    for number, row in enumerate(case.rows, start=1)]


@SETTINGS
@given(case=parquet_cases())
def test_the_reader_reads_exactly_what_the_check_accepted_parquet(reader_queries, tmp_path_factory, case):
    _check_parquet_case(reader_queries, tmp_path_factory.mktemp("parquet", numbered=True), case)


# --- end to end: kzmig build on DuckDB ------------------------------------------------------

def accepted_csv_landing(folder: Path, store: Path) -> None:
    """Deliveries at the edges of what spec 1.2 accepts: a byte-order mark, a padded header
    with a quoted, multi-line name, a lone CR and line feeds inside quoted values, mixed line
    ends, empty lines, a record of exactly 1 MiB, no final line end; February is a symbolic
    link to a file elsewhere."""
    from test_landing import HEADER, coupon, record

    header = '"\xa0\r\ncoupon_id\t",' + HEADER.split(",", 1)[1].replace("sex", " sex\u3000")
    one_mib = coupon("E5", reason_code="")
    one_mib[EXTRACT_COLUMNS.index("reason_code")] = "x" * (MAX_RECORD_BYTES - len(record(one_mib).encode()))
    text = ("\ufeff" + header + "\r\n"
            + record(coupon("E\r1"), quoted=True) + "\n\n"
            + record(coupon("E2", kato_code="751010000\r\n"), quoted=True) + "\r\n\r\n"
            + record(coupon("E3", coupon_type=" a ")) + "\n"
            + record(coupon("", submitted_at="2023-01-21T00:00:00")) + "\r\n"
            + record(one_mib) + "\n"
            + record(coupon("E6", submitted_at="2023-01-31T23:59:59")))
    folder.mkdir(parents=True)
    (folder / "coupons_2023_01.csv").write_bytes(text.encode())
    store.mkdir(parents=True)
    (store / "february.csv").write_bytes((HEADER + "\n" + record(coupon("E7", registration_date="2023-02-01",
                                                                         submitted_at="2023-02-02T08:00:00"))
                                          + "\n").encode())
    (folder / "coupons_2023_02.csv").symlink_to(store / "february.csv")


def landing_rows(database: Path) -> list[tuple]:
    return query(database, "select source_file, source_row, * exclude (source_file, source_row)"
                           " from landing.coupon_extract_rows order by source_file, source_row")


def test_a_build_reads_every_accepted_delivery_whole_csv_and_parquet(tmp_path):
    landing = tmp_path / "csv"
    accepted_csv_landing(landing, tmp_path / "store")
    expected = [(path.name, number, *[value or None for value in values])
                for path in sorted(landing.glob("coupons_*.csv"))
                for number, values in csv_records(path.name, path.read_bytes())]
    assert [row[:3] for row in expected][:2] == [("coupons_2023_01.csv", 1, "E\r1"),
                                                 ("coupons_2023_01.csv", 2, "E2")]
    database = build_warehouse(tmp_path / "build_csv", landing)
    assert landing_rows(database) == expected
    assert query(database, "select source_file, row_count from staging.stg_coupons__deliveries order by 1") == [
        ("coupons_2023_01.csv", 6), ("coupons_2023_02.csv", 1)]
    assert query(database, "select outcome, count(*) from audit.coupon_outcomes group by 1 order by 1") == [
        ("counted", 6), ("rejected", 1)]

    # the same rows as Parquet: columns in reverse order, person_id_hash of the null type
    parquet = tmp_path / "parquet"
    parquet.mkdir()
    for path in sorted(landing.glob("coupons_*.csv")):
        values = [values for _, values in csv_records(path.name, path.read_bytes())]
        columns = {column: pa.array([row[index] or None for row in values], type=pa.string())
                   for index, column in enumerate(EXTRACT_COLUMNS)}
        columns["person_id_hash"] = pa.nulls(len(values))
        pq.write_table(pa.table({column: columns[column] for column in reversed(EXTRACT_COLUMNS)}),
                       parquet / f"{path.stem}.parquet")
    database = build_warehouse(tmp_path / "build_parquet", parquet)
    assert landing_rows(database) == [(name.replace(".csv", ".parquet"), *rest) for name, *rest in expected]


def refused_landing(folder: Path, case: str) -> None:
    from test_landing import HEADER, coupon, delivery, record

    good = [record(coupon("F1")), record(coupon("F2"))]
    delivery(folder / "coupons_2023_01.csv", good)
    second = folder / "coupons_2023_02.csv"
    if case == "lone-cr":
        second.write_bytes((HEADER + "\r" + "\r".join(good) + "\r").encode())
    elif case == "nul":
        delivery(second, [good[0], record(coupon("F3", sex="1\x00"))])
    elif case == "over-1-mib":
        delivery(second, [good[0], record(coupon("F3", reason_code="x" * (3 << 20)))])
    elif case == "broken-link":
        second.symlink_to(folder / "coupons_2023_03.tmp")
    elif case == "parquet-nul":
        for path in folder.glob("*.csv"):
            path.unlink()
        table = pa.table({column: pa.array([value], type=pa.string())
                          for column, value in zip(EXTRACT_COLUMNS, coupon("F3", kato_code="75\x001"))})
        pq.write_table(table, folder / "coupons_2023_01.parquet")


@pytest.mark.parametrize("case", ["lone-cr", "nul", "over-1-mib", "broken-link", "parquet-nul"])
def test_a_refused_delivery_stops_the_build_with_the_checks_one_message(tmp_path, case):
    landing = tmp_path / "landing"
    refused_landing(landing, case)
    with pytest.raises(MalformedDelivery) as checked:
        check_landing(landing)
    with pytest.raises(MalformedDelivery) as built:
        build_warehouse(tmp_path / "build", landing)
    assert str(built.value) == str(checked.value)
    assert_one_clear_message(built.value, built.value.source_file)
    assert not (tmp_path / "build" / "warehouse_marts.duckdb").exists()  # nothing published


# --- extract spec 1.2: submitted_at hours 00-23, minutes and seconds 00-59 (SQL) -------------

SUBMITTED_AT_ROWS = [
    ("2023-01-20T23:59:59", True), ("2023-01-20T00:00:00", True),
    ("2023-01-20T24:00:00", False), ("2023-01-20T23:59:60", False), ("2023-01-20T23:60:00", False),
    (" 2023-01-31T24:00:00\xa0", False),
]


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_submitted_at_24_00_and_a_leap_second_stop_the_build(tmp_path, file_format):
    """Engines read 24:00:00 and 23:59:60 differently (DuckDB and PostgreSQL take 24:00:00 for
    the next midnight): the spec makes them malformed, and the hook's SQL refuses them."""
    from test_landing import coupon, delivery, record, write_parquet

    rows = [coupon(f"T{number}", submitted_at=value) for number, (value, _) in enumerate(SUBMITTED_AT_ROWS, 1)]
    landing = tmp_path / "landing"
    if file_format == "csv":
        delivery(landing / "coupons_2023_01.csv", [record(row) for row in rows])
    else:
        landing.mkdir()
        write_parquet(rows, landing / "coupons_2023_01.parquet")
    with pytest.raises(Exception) as failure:
        build_warehouse(tmp_path / "build", landing)
    assert str(failure.value).startswith(
        f"malformed delivery coupons_2023_01.{file_format}, row 3, column submitted_at: found '2023-01-20T24:00:00'")
    assert "(4 such row(s) in the deliveries read)" in str(failure.value)
