"""Deliveries as they really come (extract spec 1.1 and 1.2), each fault tested as a class.

Small deliveries written here, in several shapes per class:

- quoted line breaks (RFC 4180) in any column, in LF and in CRLF files;
- mixed line ends in any order, empty lines, a last record without a line end;
- values padded with every Unicode White_Space character the spec names;
- the same row re-sent with a date in the other form, in either date column, either way;
- malformed delivery names, both formats in one folder, typed Parquet columns, text that
  is not UTF-8 (in a row in the middle, in the header, of several code pages), headers
  and records of the wrong width;
- a delivery that changed (grown, shrunk, same size), or vanished, after it was read;
- extract spec 1.2: a lone carriage return outside quotes (Mac line ends, inside a value
  that is not quoted, at the last record's end, before \r\n, after a closing quote), a NUL
  anywhere, records over 1 MiB (bytes, not characters; quoted line breaks), quotes that
  break RFC 4180, header names padded with White_Space (and what is not White_Space),
  symbolic links (to a file, relative, to nothing, a loop, to a folder), Parquet columns
  in any order, of the null type, repeated, in another case, holding a NUL, over 1 MiB.

The checks of kzmig.landing are tested directly (fast); the valid classes are then built
into a warehouse, as CSV and as Parquet, and the outcome of every row is asserted; a
changed delivery is built, refused, and rebuilt with --full-refresh. The check against the
build's reader, on generated deliveries: test_landing_differential.py.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kzmig.dbt_plugin import check_landing_json
from kzmig.landing import (
    EXTRACT_COLUMNS,
    MalformedDelivery,
    check_delivery,
    check_landing,
    csv_records,
)
from kzmig.project import KzmigError, dbt_vars, run_dbt

from conftest import build_warehouse, query, warehouse_environment

HEADER = ",".join(EXTRACT_COLUMNS)
# Unicode's White_Space characters, every one the spec names (extract spec 1.1).
WHITE_SPACE = ["\t", "\n", "\x0b", "\x0c", "\r", " ", "\x85", "\xa0", "\u1680", *map(chr, range(0x2000, 0x200B)),
               "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]
DEFAULTS = {
    "coupon_type": "A", "registration_date": "2023-01-05", "person_id_hash": "", "sex": "1",
    "birth_date": "1990-03-15", "citizenship": "KAZ", "ethnicity_code": "001", "kato_code": "751010000",
    "counterpart_country": "KAZ", "counterpart_kato_code": "711010000", "reason_code": "01",
    "submitted_at": "2023-01-20T10:00:00", "record_status": "active",
}


def coupon(identifier: str, /, **values: str) -> list[str]:
    """The 14 values of a valid internal arrival (Astana to Almaty), coupon_id `identifier`,
    with `values` instead (coupon_id too, to write it otherwise)."""
    row = {"coupon_id": identifier, **DEFAULTS, **values}
    return [row[column] for column in EXTRACT_COLUMNS]


def record(values: list[str], quoted: bool = False) -> str:
    """One CSV record: every value quoted (quotes doubled) or as it is."""
    if quoted:
        return ",".join('"' + value.replace('"', '""') + '"' for value in values)
    return ",".join(values)


def delivery(path: Path, records: list[str], ends: list[str] | str = "\n", header_end: str | None = None,
             final_end: bool = True, encoding: str = "utf-8") -> Path:
    """Write a CSV delivery: the header, then `records`, each ended by `ends` (one or per record)."""
    ends = [ends] * len(records) if isinstance(ends, str) else ends
    text = HEADER + (header_end if header_end is not None else ends[0] if ends else "\n")
    for number, (text_record, end) in enumerate(zip(records, ends), start=1):
        text += text_record + (end if final_end or number < len(records) else "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def records_of(path: Path) -> list[tuple[int, list[str]]]:
    return list(csv_records(path.name, path.read_bytes()))


def malformed(call) -> MalformedDelivery:
    with pytest.raises(MalformedDelivery) as failure:
        call()
    return failure.value


# --- class: quoted line breaks -------------------------------------------------------------

@pytest.mark.parametrize("end", ["\n", "\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize("column", EXTRACT_COLUMNS)
def test_quoted_line_breaks_stay_in_their_value_in_any_column(tmp_path, column, end):
    broken = coupon("Q2")
    index = EXTRACT_COLUMNS.index(column)
    broken[index] = broken[index] + end + broken[index][:1]
    path = delivery(tmp_path / "coupons_2023_01.csv",
                    [record(coupon("Q1")), record(broken, quoted=True), record(coupon("Q3"))], ends=end)
    rows = records_of(path)
    assert [number for number, _ in rows] == [1, 2, 3]
    assert rows[1][1] == broken
    assert rows[2][1] == coupon("Q3")


# --- class: line ends ----------------------------------------------------------------------

@pytest.mark.parametrize("ends, header_end, final_end", [
    (["\n", "\r\n", "\r\n"], "\n", True),
    (["\r\n", "\n", "\n"], "\r\n", True),
    (["\n", "\r\n", "\n"], "\r\n", False),
    (["\r\n", "\r\n", "\n"], "\n", False),
], ids=["LF-then-CRLF", "CRLF-then-LF", "alternating-no-final", "CRLF-header-LF-no-final"])
def test_mixed_line_ends_in_any_order_give_the_same_rows(tmp_path, ends, header_end, final_end):
    rows = [coupon(f"M{number}") for number in (1, 2, 3)]
    path = delivery(tmp_path / "coupons_2023_01.csv", [record(row) for row in rows], ends=ends,
                    header_end=header_end, final_end=final_end)
    assert records_of(path) == [(1, rows[0]), (2, rows[1]), (3, rows[2])]
    assert check_delivery(path).row_count == 3


def test_empty_lines_are_not_rows(tmp_path):
    path = tmp_path / "coupons_2023_01.csv"
    path.write_bytes((HEADER + "\r\n\r\n" + record(coupon("E1")) + "\n\n\n" + record(coupon("E2")) + "\r\n\n")
                     .encode())
    assert records_of(path) == [(1, coupon("E1")), (2, coupon("E2"))]


def test_a_byte_order_mark_is_not_part_of_the_header(tmp_path):
    path = tmp_path / "coupons_2023_01.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "\n" + record(coupon("B1")) + "\n").encode())
    assert records_of(path) == [(1, coupon("B1"))]


# --- class: malformed delivery names, and files that are not deliveries -------------------

@pytest.mark.parametrize("name", [
    "coupons_2023_01 (1).csv", "COUPONS_2023_02.CSV", "Coupons_2023_02.csv", "coupons_2023_2.csv",
    "coupons_2023_13.csv", "coupons_2023_00.csv", "coupons_23_01.csv", "coupons_2023_01.CSV",
    "coupons_2023_01.csv.part", "coupons_2023_01.txt", "coupons-2023-01.csv", "coupons.csv",
])
def test_a_malformed_delivery_name_stops_naming_the_file(tmp_path, name):
    delivery(tmp_path / "coupons_2023_01.csv", [record(coupon("N1"))])
    (tmp_path / name).write_bytes((tmp_path / "coupons_2023_01.csv").read_bytes())
    error = malformed(lambda: check_landing(tmp_path))
    assert error.source_file == name
    assert str(error).startswith(f"malformed delivery {name}: found the file name")


def test_files_that_are_not_deliveries_are_ignored(tmp_path):
    delivery(tmp_path / "coupons_2023_01.csv", [record(coupon("I1"))])
    for name in ("README.md", "manifest.json", "notes_coupons_2023_01.csv", ".coupons_2023_01.csv.swp"):
        (tmp_path / name).write_text("not a delivery", encoding="utf-8")
    assert [report.source_file for report in check_landing(tmp_path)] == ["coupons_2023_01.csv"]


def test_both_formats_in_one_folder_stop_naming_both(tmp_path):
    delivery(tmp_path / "coupons_2023_01.csv", [record(coupon("F1"))])
    write_parquet([coupon("F2")], tmp_path / "coupons_2023_02.parquet")
    error = malformed(lambda: check_landing(tmp_path))
    assert "coupons_2023_01.csv and coupons_2023_02.parquet" in str(error)
    assert "one format per landing folder" in str(error)


def test_a_folder_without_deliveries_stops(tmp_path):
    (tmp_path / "README.md").write_text("empty", encoding="utf-8")
    with pytest.raises(KzmigError, match="holds no delivery"):
        check_landing(tmp_path)


# --- class: text that is not UTF-8 ----------------------------------------------------------

@pytest.mark.parametrize("bad, column", [
    ("Алматы".encode("cp1251"), "kato_code"),              # Windows-1251
    ("Köln".encode("latin-1"), "citizenship"),              # Latin-1
    (b"\xe2\x82", "reason_code"),                           # a truncated 3-byte sequence
    (b"\x80abc", "coupon_id"),                              # a lone continuation byte
    (b"\xc0\xaf", "record_status"),                         # an overlong encoding
], ids=["cp1251", "latin-1", "truncated", "continuation", "overlong"])
def test_a_row_that_is_not_utf8_in_the_middle_is_named_with_its_column(tmp_path, bad, column):
    rows = [record(coupon(f"U{number}")).encode() for number in range(1, 6)]
    values = coupon("U3")
    index = EXTRACT_COLUMNS.index(column)
    parts = [value.encode() for value in values]
    parts[index] = bad
    rows[2] = b",".join(parts)
    # a quoted line break in row 1 makes file lines and rows differ
    rows[0] = record(coupon("U1", kato_code="751010000\n"), quoted=True).encode()
    path = tmp_path / "coupons_2023_01.csv"
    path.write_bytes(HEADER.encode() + b"\r\n" + b"\r\n".join(rows) + b"\r\n")
    error = malformed(lambda: check_delivery(path))
    assert (error.source_file, error.row, error.column) == ("coupons_2023_01.csv", 3, column)
    assert str(error).startswith(f"malformed delivery coupons_2023_01.csv, row 3, column {column}: found the value")
    assert "not UTF-8" in str(error)


def test_a_header_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "coupons_2023_01.csv"
    path.write_bytes(HEADER.replace("sex", "пол").encode("cp1251") + b"\n" + record(coupon("H1")).encode() + b"\n")
    error = malformed(lambda: check_delivery(path))
    assert (error.row, error.column) == ("header", "sex")


def test_the_field_case_in_windows_1251_names_row_2(tmp_path):
    path = tmp_path / "coupons_2023_01.csv"
    path.write_bytes((HEADER + "\n" + record(coupon("W1")) + "\n").encode()
                     + record(coupon("W2", coupon_type="А")).encode("cp1251") + b"\n")
    error = malformed(lambda: check_delivery(path))
    assert (error.row, error.column) == (2, "coupon_type")


# --- class: header and record width -------------------------------------------------------

@pytest.mark.parametrize("header, column, found", [
    (HEADER + ",", "15 (no such column)", "a trailing comma leaves an empty column"),
    (HEADER + ",note", "15 (no such column)", "starting 'note'"),
    (HEADER.replace(",", ";"), None, "a header separated by semicolons"),
    (HEADER.replace(",record_status", ""), "record_status", "13 columns, without record_status"),
    (HEADER.replace("kato_code,counterpart_country", "counterpart_country,kato_code"), "kato_code",
     "'counterpart_country' as column 9"),
    (HEADER.replace("sex", "Sex"), "sex", "'Sex' as column 5"),
    (" " + HEADER.replace("sex", "SEX "), "sex", "'SEX' as column 5"),
    (HEADER.replace("sex", "s ex"), "sex", "'s ex' as column 5"),
    (HEADER.replace("sex", "\u200bsex"), "sex", r"'\u200bsex' as column 5"),  # not White_Space
], ids=["trailing-comma", "extra-column", "semicolons", "missing", "swapped", "case", "padded-case",
        "inner-space", "zero-width-space"])
def test_a_header_that_is_not_the_specs_is_named(tmp_path, header, column, found):
    path = tmp_path / "coupons_2023_01.csv"
    path.write_bytes((header + "\n" + record(coupon("H1")) + "\n").encode())
    error = malformed(lambda: check_delivery(path))
    assert (error.row, error.column) == ("header", column)
    assert found in str(error)


def test_an_empty_file_has_no_header(tmp_path):
    path = tmp_path / "coupons_2023_01.csv"
    path.write_bytes(b"")
    assert "found an empty file" in str(malformed(lambda: check_delivery(path)))


def test_a_header_without_rows_is_a_delivery_of_no_rows(tmp_path):
    path = delivery(tmp_path / "coupons_2023_01.csv", [])
    assert check_delivery(path).row_count == 0


@pytest.mark.parametrize("values, column, found", [
    (coupon("W2")[:13], "record_status", "13 values"),
    (coupon("W2") + [""], "15 (no such column)", "a trailing comma leaves an empty value"),
    (coupon("W2") + ["x", "y"], "15 (no such column)", "16 values"),
    (coupon("W2")[:1], "coupon_type", "1 values"),
])
def test_a_record_of_the_wrong_width_is_named(tmp_path, values, column, found):
    path = delivery(tmp_path / "coupons_2023_01.csv", [record(coupon("W1")), record(values)])
    error = malformed(lambda: check_delivery(path))
    assert (error.row, error.column) == (2, column)
    assert found in str(error)


@pytest.mark.parametrize("column", ["coupon_id", "kato_code", "record_status"])
def test_a_nul_character_is_named_with_its_row_and_column(tmp_path, column):
    """Text holds no NUL: PostgreSQL cannot store one, so both engines refuse it alike."""
    path = delivery(tmp_path / "coupons_2023_01.csv",
                    [record(coupon("Z1")), record(coupon("Z2", **{column: "75\x0010"}))])
    error = malformed(lambda: check_delivery(path))
    assert (error.row, error.column) == (2, column)
    assert "NUL" in str(error)


@pytest.mark.parametrize("broken", ['"751"010000', '"751010000'], ids=["text-after-quote", "unterminated"])
def test_broken_quoting_is_named_by_row(tmp_path, broken):
    path = delivery(tmp_path / "coupons_2023_01.csv",
                    [record(coupon("R1")), record(coupon("R2")), ",".join(coupon("R3")[:8] + [broken] + coupon("R3")[9:])])
    error = malformed(lambda: check_delivery(path))
    assert error.row == 3
    assert "breaks RFC 4180 quoting" in str(error)


# --- class: typed Parquet columns ---------------------------------------------------------

def write_parquet(rows: list[list[str]], path: Path, types: dict[str, pa.DataType] | None = None) -> Path:
    """A Parquet delivery of `rows`; every column a string unless `types` says otherwise."""
    types = types or {}
    columns = {}
    for index, column in enumerate(EXTRACT_COLUMNS):
        values = [row[index] if row[index] != "" else None for row in rows]
        data_type = types.get(column, pa.string())
        columns[column] = pa.array(values, type=pa.string()).cast(data_type) if column in types else \
            pa.array(values, type=data_type)
    pq.write_table(pa.table(columns), path)
    return path


@pytest.mark.parametrize("types, named", [
    ({"ethnicity_code": pa.int64()}, "ethnicity_code"),
    ({"ethnicity_code": pa.int32(), "reason_code": pa.int64()}, "ethnicity_code, reason_code"),
    ({"sex": pa.float64()}, "sex"),
    ({"registration_date": pa.date32()}, "registration_date"),
    ({"submitted_at": pa.timestamp("s")}, "submitted_at"),
], ids=["int64", "two-columns", "double", "date", "timestamp"])
def test_a_typed_parquet_column_is_named(tmp_path, types, named):
    row = coupon("P1", submitted_at="2023-01-20 10:00:00") if "submitted_at" in types else coupon("P1")
    path = write_parquet([row], tmp_path / "coupons_2023_01.parquet", types)
    error = malformed(lambda: check_delivery(path))
    assert error.column == named
    assert str(error).startswith(f"malformed delivery coupons_2023_01.parquet, column {named}: found ")
    assert all(str(types[name]).split("[")[0] in str(error) for name in types)  # Parquet keeps no unit of seconds


def test_large_and_dictionary_strings_are_strings(tmp_path):
    path = write_parquet([coupon("P1"), coupon("P2")], tmp_path / "coupons_2023_01.parquet",
                         {"kato_code": pa.large_string(), "sex": pa.dictionary(pa.int32(), pa.string())})
    assert check_delivery(path).row_count == 2


# --- class: a delivery that changed after it was read --------------------------------------

def _grow(path: Path) -> None:
    path.write_bytes(path.read_bytes() + (record(coupon("C9")) + "\n").encode())


def _shrink(path: Path) -> None:
    path.write_bytes(path.read_bytes().rsplit(b"\n", 2)[0] + b"\n")


def _same_size(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"C2,A", b"C2,D", 1))


@pytest.mark.parametrize("change", [_grow, _shrink, _same_size], ids=["grown", "shrunk", "same-size"])
def test_a_changed_delivery_stops_naming_it(tmp_path, change):
    path = delivery(tmp_path / "coupons_2023_01.csv", [record(coupon("C1")), record(coupon("C2"))])
    delivery(tmp_path / "coupons_2023_02.csv", [record(coupon("C3"))])
    read_before = {report.source_file: report for report in check_landing(tmp_path)}
    change(path)
    error = malformed(lambda: check_landing(tmp_path, read_before))
    assert str(error).startswith("malformed delivery coupons_2023_01.csv: found content that differs")
    assert "--full-refresh" in str(error)
    # Unchanged deliveries read before are not read again, only hashed.
    assert check_landing(tmp_path, {"coupons_2023_02.csv": read_before["coupons_2023_02.csv"]})[1] == \
        read_before["coupons_2023_02.csv"]


def test_a_delivery_that_vanished_stops_naming_it(tmp_path):
    delivery(tmp_path / "coupons_2023_01.csv", [record(coupon("V1"))])
    gone = delivery(tmp_path / "coupons_2023_02.csv", [record(coupon("V2"))])
    read_before = {report.source_file: report for report in check_landing(tmp_path)}
    gone.unlink()
    error = malformed(lambda: check_landing(tmp_path, read_before))
    assert str(error).startswith("malformed delivery coupons_2023_02.csv: found no such file")


def test_the_dbt_plugin_answers_with_the_same_check(tmp_path):
    """The SQL function the dbt hook calls gives the reports, or the one clear message."""
    import json

    import duckdb

    from kzmig.dbt_plugin import Plugin

    delivery(tmp_path / "coupons_2023_01.csv", [record(coupon("D1")), record(coupon("D2"))], ends="\r\n")
    connection = duckdb.connect()
    Plugin(name="kzmig", plugin_config={}).configure_connection(connection)
    answer = json.loads(connection.execute("select kzmig_check_landing(?, null, null)", [str(tmp_path)]).fetchone()[0])
    assert [(row["source_file"], row["row_count"]) for row in answer["deliveries"]] == [("coupons_2023_01.csv", 2)]
    assert answer["synthetic_manifest"] == []  # real deliveries come with no manifest
    (tmp_path / "coupons_2023_01 (1).csv").write_bytes(b"")
    answer = json.loads(check_landing_json(str(tmp_path), None, None))
    assert answer == {"error": str(malformed(lambda: check_landing(tmp_path)))}


# --- the valid classes built into a warehouse, every row's outcome asserted -----------------

def field_shaped_landing(folder: Path) -> dict[tuple[str, int], tuple[str, str]]:
    """Deliveries of every valid class; the (outcome, reject reason) each row must get."""
    expected: dict[tuple[str, int], tuple[str, str]] = {}

    # January, LF: quoted line breaks in several columns; then CRLF records (mixed line
    # ends); the last record without a line end.
    january = [
        (record(coupon("QL1", kato_code="751010000\n"), quoted=True), "counted"),
        (record(coupon("QL2", coupon_id="QL2\r\n", submitted_at="\n2023-01-20T10:00:00"), quoted=True), "counted"),
        (record(coupon("QL3", record_status="active\n", counterpart_kato_code="\r\n711010000"), quoted=True),
         "counted"),
        (record(coupon("QL4", reason_code="0\n1"), quoted=True), "counted"),  # an inner break: reason not stated
        (record(coupon("ML1")), "counted"),
        (record(coupon("ML2", kato_code="991010000")), "rejected:unknown_region"),
    ]
    delivery(folder / "coupons_2023_01.csv", [text for text, _ in january],
             ends=["\n", "\n", "\n", "\r\n", "\r\n", "\n"], final_end=False)
    for number, (_, outcome) in enumerate(january, start=1):
        expected[("coupons_2023_01.csv", number)] = tuple((outcome.split(":") + [""])[:2])

    # February, CRLF with empty lines: every White_Space character pads a value, in turn
    # on each side of a code, the KATO codes, a date and submitted_at.
    padded_columns = ["kato_code", "coupon_type", "counterpart_country", "registration_date", "submitted_at",
                      "counterpart_kato_code", "record_status", "coupon_id"]
    february = []
    for number, space in enumerate(WHITE_SPACE, start=1):
        column = padded_columns[number % len(padded_columns)]
        values = coupon(f"WS{number:02d}", registration_date="2023-02-03", submitted_at="2023-02-10T09:00:00")
        index = EXTRACT_COLUMNS.index(column)
        values[index] = (space + values[index]) if number % 2 else (values[index] + space + space)
        february.append(record(values, quoted=True))
        expected[("coupons_2023_02.csv", number)] = ("counted", "")
    only_space = coupon("WS99", registration_date="2023-02-03", submitted_at="2023-02-10T09:00:00",
                        counterpart_country="\xa0\u3000\t")
    february.append(record(only_space, quoted=True))
    expected[("coupons_2023_02.csv", len(february))] = ("rejected", "missing_counterpart")
    path = delivery(folder / "coupons_2023_02.csv", february, ends="\r\n")
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r\n\r\n", 3))  # empty lines are not rows

    # March: rows re-sent, a date in the other form, in either date column, either way;
    # and a re-sent row whose date is no date at all differs from one that is.
    sent = "2023-03-10T09:00:00"
    march = [
        (coupon("RD1", registration_date="2023-03-02", submitted_at=sent), "counted"),
        (coupon("RD1", registration_date="02.03.2023", submitted_at=sent), "identical_row"),
        (coupon("RD2", registration_date="03.03.2023", submitted_at=sent), "counted"),
        (coupon("RD2", registration_date="2023-03-03", submitted_at=sent), "identical_row"),
        (coupon("RD3", birth_date="1985-12-31", submitted_at=sent), "counted"),
        (coupon("RD3", birth_date=" 31.12.1985", submitted_at=sent), "identical_row"),
        (coupon("RD4", birth_date="01.02.1970", submitted_at=sent), "counted"),
        (coupon("RD4", birth_date="1970-02-01", submitted_at=sent), "identical_row"),
        (coupon("RD5", birth_date="1970-02-30", submitted_at=sent), "rejected:conflicting_versions"),
        (coupon("RD5", birth_date="30.02.1970", submitted_at=sent), "rejected:conflicting_versions"),
    ]
    delivery(folder / "coupons_2023_03.csv", [record(values) for values, _ in march])
    for number, (_, outcome) in enumerate(march, start=1):
        expected[("coupons_2023_03.csv", number)] = tuple((outcome.split(":") + [""])[:2])

    # Not deliveries: ignored.
    (folder / "README.txt").write_text("deliveries of the Migration Service", encoding="utf-8")
    (folder / "manifest.json").write_text("{}", encoding="utf-8")
    return expected


def as_parquet(csv_landing: Path, parquet_landing: Path) -> None:
    """The same deliveries as Parquet: every record as the check reads it, empty as null."""
    parquet_landing.mkdir(parents=True)
    for path in sorted(csv_landing.glob("coupons_*.csv")):
        write_parquet([values for _, values in records_of(path)], parquet_landing / f"{path.stem}.parquet")


def outcomes(database: Path) -> dict[tuple[str, int], tuple[str, str]]:
    return {(source_file, source_row): (outcome, reject_reason or "")
            for source_file, source_row, outcome, reject_reason in query(
                database, "select source_file, source_row, outcome, reject_reason from audit.coupon_outcomes")}


@pytest.fixture(scope="module")
def field_shaped(tmp_path_factory):
    folder = tmp_path_factory.mktemp("field_shaped")
    expected = field_shaped_landing(folder / "csv")
    as_parquet(folder / "csv", folder / "parquet")
    return folder, expected


def test_every_valid_class_builds_with_its_expected_outcomes_csv_and_parquet(field_shaped, tmp_path):
    folder, expected = field_shaped
    csv_database = build_warehouse(tmp_path / "csv", folder / "csv")
    assert outcomes(csv_database) == expected
    parquet_database = build_warehouse(tmp_path / "parquet", folder / "parquet")
    assert outcomes(parquet_database) == {(f"{Path(name).stem}.parquet", row): outcome
                                          for (name, row), outcome in expected.items()}
    # Trimmed values reach the counted coupons; an inner line break is not trimmed away.
    counted = """
        select versions.coupon_id, versions.region_code, versions.counterpart_region_code,
            versions.reason_code
        from audit.coupon_outcomes as outcomes
        inner join intermediate.int_coupon_rows_checked as versions
            on outcomes.source_file = versions.source_file
            and outcomes.source_row = versions.source_row
        where outcomes.outcome = 'counted' and versions.coupon_id like 'QL%' order by 1"""
    assert query(csv_database, counted) == [("QL1", "75", "71", "01"), ("QL2", "75", "71", "01"),
                                            ("QL3", "75", "71", "01"), ("QL4", "75", "71", "99")]
    assert query(parquet_database, counted) == query(csv_database, counted)
    assert query(csv_database, "select source_file, row_count from staging.stg_coupons__deliveries order by 1") == [
        ("coupons_2023_01.csv", 6), ("coupons_2023_02.csv", len(WHITE_SPACE) + 1), ("coupons_2023_03.csv", 10)]


def run_dbt_in(workdir: Path, args: list[str]) -> None:
    with warehouse_environment(workdir):
        run_dbt(args, quiet=True)


def test_a_changed_delivery_stops_the_build_until_a_full_refresh(tmp_path):
    landing = tmp_path / "landing"
    first = delivery(landing / "coupons_2023_01.csv", [record(coupon("CH1"))])
    workdir = tmp_path / "build"
    database = build_warehouse(workdir, landing)
    assert outcomes(database) == {("coupons_2023_01.csv", 1): ("counted", "")}

    # the complete file lands under the same name
    delivery(first, [record(coupon("CH1")), record(coupon("CH2")), record(coupon("CH3", coupon_type="X"))])
    with pytest.raises(MalformedDelivery, match="^malformed delivery coupons_2023_01.csv: found content that differs"):
        build_warehouse(workdir, landing)
    # plain dbt stops in its hook with the same message
    with pytest.raises(KzmigError, match="malformed delivery coupons_2023_01.csv: found content that differs"):
        run_dbt_in(workdir, ["build", "--exclude", "resource_type:seed", "--vars", dbt_vars(landing)])
    assert outcomes(database) == {("coupons_2023_01.csv", 1): ("counted", "")}

    # a full rebuild with plain dbt reads the new content: every row has its outcome
    run_dbt_in(workdir, ["build", "--full-refresh", "--exclude", "resource_type:seed", "--vars", dbt_vars(landing)])
    assert outcomes(database) == {("coupons_2023_01.csv", 1): ("counted", ""),
                                  ("coupons_2023_01.csv", 2): ("counted", ""),
                                  ("coupons_2023_01.csv", 3): ("rejected", "invalid_coupon_type")}

    # shrunk back: kzmig build stops, kzmig build --full-refresh reads it afresh
    delivery(first, [record(coupon("CH1")), record(coupon("CH2", coupon_type="d", counterpart_country="RUS"))])
    with pytest.raises(MalformedDelivery, match="^malformed delivery coupons_2023_01.csv: found content that differs"):
        build_warehouse(workdir, landing)
    build_warehouse(workdir, landing, full_refresh=True)
    assert outcomes(database) == {("coupons_2023_01.csv", 1): ("counted", ""),
                                  ("coupons_2023_01.csv", 2): ("counted", "")}

    # a new delivery beside it is read, the old one only hashed
    delivery(landing / "coupons_2023_02.csv", [record(coupon("CH4"))])
    build_warehouse(workdir, landing)
    assert query(database, "select source_file, row_count from staging.stg_coupons__deliveries order by 1") == [
        ("coupons_2023_01.csv", 2), ("coupons_2023_02.csv", 1)]
    assert len(outcomes(database)) == 3


# --- extract spec 1.2: a lone carriage return outside quotes ends nothing ------------------

@pytest.mark.parametrize("shape, row, column", [
    # records ending in \r alone (old Mac exports): the first \r, at the header's end
    ("mac", "header", "record_status"),
    # a \r alone inside a value that is not quoted: named in its own column
    ("inside-value", 2, "registration_date"),
    # the last record ends in \r alone
    ("last-end", 3, "record_status"),
    # \r\r\n: the first \r is followed by another \r
    ("cr-cr-lf", 1, "record_status"),
    # after a quoted value, before the next comma
    ("after-quote", 2, "coupon_id"),
], ids=lambda value: str(value))
def test_a_lone_carriage_return_outside_quotes_is_named_with_its_row_and_column(tmp_path, shape, row, column):
    rows = [record(coupon(f"CR{number}")) for number in (1, 2, 3)]
    path = tmp_path / "coupons_2023_01.csv"
    if shape == "mac":
        text = HEADER + "\r" + "\r".join(rows) + "\r"
    elif shape == "inside-value":
        rows[1] = record(coupon("CR2", registration_date="2023-01\r-05"))
        text = HEADER + "\n" + "\n".join(rows) + "\n"
    elif shape == "last-end":
        text = HEADER + "\r\n" + "\r\n".join(rows) + "\r"
    elif shape == "cr-cr-lf":
        text = HEADER + "\n" + rows[0] + "\r\r\n" + rows[1] + "\n"
    else:
        rows[1] = '"CR2"\r,' + rows[1].split(",", 1)[1]
        text = HEADER + "\n" + "\n".join(rows) + "\n"
    path.write_bytes(text.encode())
    error = malformed(lambda: check_delivery(path))
    assert (error.row, error.column) == (row, column), str(error)
    assert "a carriage return (\\r) not followed by a line feed, outside quotes" in str(error)


@pytest.mark.parametrize("last", ['"active"', '""', '"a\r\nb"', '"a""b"'])
def test_a_quoted_last_value_may_end_the_file_without_a_line_end(tmp_path, last):
    path = tmp_path / "coupons_2023_01.csv"
    path.write_bytes((HEADER + "\n" + record(coupon("Q1")[:-1]) + "," + last).encode())
    assert records_of(path) == [(1, coupon("Q1")[:-1] + [last[1:-1].replace('""', '"')])]


def test_a_carriage_return_inside_quotes_stays_in_its_value(tmp_path):
    path = delivery(tmp_path / "coupons_2023_01.csv",
                    [record(coupon("Q\r1", reason_code="\r"), quoted=True), record(coupon("Q2"))], ends="\r\n")
    assert records_of(path) == [(1, coupon("Q\r1", reason_code="\r")), (2, coupon("Q2"))]


# --- extract spec 1.2: NUL, records over 1 MiB, quoting -----------------------------------

@pytest.mark.parametrize("text, row, column", [
    (HEADER.replace("sex", "s\x00ex") + "\n" + record(coupon("Z1")) + "\n", "header", "sex"),
    (HEADER + "\n" + record(coupon("Z1", kato_code="75\x00"), quoted=True) + "\n", 1, "kato_code"),
    (HEADER + "\n" + record(coupon("Z1")) + "\n\x00\n", 2, "coupon_id"),  # an "empty" line holding a NUL
], ids=["header", "quoted", "own-line"])
def test_a_nul_character_anywhere_is_named(tmp_path, text, row, column):
    path = tmp_path / "coupons_2023_01.csv"
    path.write_bytes(text.encode())
    error = malformed(lambda: check_delivery(path))
    assert (error.row, error.column) == (row, column) and "a NUL character" in str(error)


def _record_of(size: int, column: str = "reason_code", quoted: bool = False, inner: str = "x") -> str:
    """A record of `size` bytes (or one byte more, to fit a character of two), the filler in `column`."""
    values = coupon("L1")
    bare = len(record(values, quoted).encode())
    index = EXTRACT_COLUMNS.index(column)
    width = len(inner.encode())
    values[index] += inner * -(-(size - bare) // width)
    return record(values, quoted)


@pytest.mark.parametrize("size, column, quoted, inner", [
    ((1 << 20) + 1, "reason_code", False, "x"),
    (3 << 20, "coupon_id", False, "x"),
    ((1 << 20) + 1, "kato_code", True, "\n"),      # a quoted value of line breaks: one record
    ((1 << 20) + 1, "citizenship", True, "ж"),     # bytes, not characters
], ids=["one-byte-over", "3-MiB", "quoted-line-breaks", "two-byte-characters"])
def test_a_record_over_1_mib_is_named_with_its_row(tmp_path, size, column, quoted, inner):
    long_record = _record_of(size, column, quoted, inner)
    path = delivery(tmp_path / "coupons_2023_01.csv", [record(coupon("L0")), long_record, record(coupon("L2"))])
    error = malformed(lambda: check_delivery(path))
    assert (error.row, error.column) == (2, column), str(error)
    assert f"a record of {len(long_record.encode()):,} bytes" in str(error)
    assert "at most 1 MiB (1,048,576 bytes)" in str(error)


def test_a_record_of_exactly_1_mib_is_read(tmp_path):
    path = delivery(tmp_path / "coupons_2023_01.csv", [_record_of(1 << 20), _record_of(1 << 20, quoted=True)],
                    ends="\r\n")
    assert check_delivery(path).row_count == 2


@pytest.mark.parametrize("value, found", [
    ('75"1010000', "a quote inside the value"),              # a quote in a value that is not quoted
    (' "751010000"', "a quote inside the value"),            # white space before the opening quote
    ('"751010000" ', "text after the closing quote"),        # and after the closing one
], ids=["bare-quote", "space-before", "space-after"])
def test_quotes_that_break_rfc_4180_are_named_with_row_and_column(tmp_path, value, found):
    values = coupon("R2")
    values[EXTRACT_COLUMNS.index("kato_code")] = value
    path = delivery(tmp_path / "coupons_2023_01.csv", [record(coupon("R1")), ",".join(values)])
    error = malformed(lambda: check_delivery(path))
    assert (error.row, error.column) == (2, "kato_code") and found in str(error), str(error)


# --- extract spec 1.2: header names are trimmed like values --------------------------------

@pytest.mark.parametrize("header", [
    " " + HEADER.replace(",", " ,\t") + "\xa0",
    HEADER.replace(",kato_code,", ",\u3000kato_code\u2007,").replace("sex", "\u202fsex"),
    '"\r\ncoupon_id\n"' + HEADER[len("coupon_id"):],       # a quoted name holding line breaks
], ids=["spaces-tabs-nbsp", "ideographic-figure-narrow", "quoted-line-breaks"])
def test_header_names_padded_with_white_space_are_the_specs(tmp_path, header):
    path = tmp_path / "coupons_2023_01.csv"
    path.write_bytes((header + "\r\n" + record(coupon("H1")) + "\n").encode())
    assert records_of(path) == [(1, coupon("H1"))]


def test_header_names_are_trimmed_of_the_characters_values_are_trimmed_of():
    """One set of White_Space: the header's (kzmig.landing) is the values' (SQL) is Unicode's."""
    import re as regex

    from kzmig.landing import WHITE_SPACE as HEADER_WHITE_SPACE

    macro = (Path(__file__).parents[2] / "macros" / "coupons" / "text_functions.sql").read_text(encoding="utf-8")
    listed = regex.search(r"set code_points = \((.*?)\) -%}", macro, regex.DOTALL).group(1)
    code_points = {int(value, 16) for value in regex.findall(r"0x([0-9a-f]+)", listed)}
    start, stop = (int(value, 16) for value in regex.search(r"range\(0x([0-9a-f]+), 0x([0-9a-f]+)\)", listed).groups())
    code_points = (code_points - {start, stop}) | set(range(start, stop))
    assert set(HEADER_WHITE_SPACE) == set(WHITE_SPACE) == set(map(chr, code_points))


# --- extract spec 1.2: a delivery may be a symbolic link -----------------------------------

def test_a_symbolic_link_is_read_as_the_file_it_points_to(tmp_path):
    target = delivery(tmp_path / "store" / "january.csv", [record(coupon("S1")), record(coupon("S2"))])
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "coupons_2023_01.csv").symlink_to(target)
    (landing / "coupons_2023_02.csv").symlink_to(Path("..") / "store" / "january.csv")  # relative
    reports = check_landing(landing)
    assert [(report.source_file, report.row_count, report.file_size_bytes) for report in reports] == [
        ("coupons_2023_01.csv", 2, target.stat().st_size), ("coupons_2023_02.csv", 2, target.stat().st_size)]


@pytest.mark.parametrize("shape", ["missing-target", "loop", "to-a-folder"])
def test_a_symbolic_link_to_nothing_is_malformed(tmp_path, shape):
    landing = tmp_path / "landing"
    delivery(landing / "coupons_2023_01.csv", [record(coupon("S1"))])
    link = landing / "coupons_2023_02.csv"
    if shape == "missing-target":
        link.symlink_to(tmp_path / "gone.csv")
    elif shape == "loop":
        link.symlink_to(landing / "coupons_2023_03.csv")
        (landing / "coupons_2023_03.csv").symlink_to(link)
    else:
        (tmp_path / "folder").mkdir()
        link.symlink_to(tmp_path / "folder")
    error = malformed(lambda: check_landing(landing))
    assert error.source_file == "coupons_2023_02.csv", str(error)
    assert ("symbolic link to" in str(error)) if shape != "to-a-folder" else "found a folder" in str(error)


# --- extract spec 1.2: Parquet columns by name, the null type ------------------------------

def test_parquet_columns_in_any_order_and_of_the_null_type_are_read(tmp_path):
    rows = [coupon("P1"), coupon("P2", person_id_hash="")]
    columns = {column: pa.array([row[index] or None for row in rows], type=pa.string())
               for index, column in enumerate(EXTRACT_COLUMNS)}
    columns["person_id_hash"] = pa.nulls(2)
    table = pa.table({column: columns[column] for column in reversed(EXTRACT_COLUMNS)})
    pq.write_table(table, tmp_path / "coupons_2023_01.parquet")
    assert check_delivery(tmp_path / "coupons_2023_01.parquet").row_count == 2


@pytest.mark.parametrize("change, column, found", [
    ("duplicate", "sex", "2 columns named 'sex'"),
    ("upper", "'SEX'", "a column 'SEX' that is not the spec's"),
    ("padded", "' sex'", "a column ' sex' that is not the spec's"),
    ("nul", "kato_code", "a NUL character"),
    ("big", None, "a row of 1,048,577 bytes"),
])
def test_a_parquet_delivery_that_breaks_the_form_is_named(tmp_path, change, column, found):
    rows = [coupon("P1"), coupon("P2")]
    names = list(EXTRACT_COLUMNS)
    arrays = [pa.array([row[index] for row in rows], type=pa.string()) for index in range(len(names))]
    if change == "duplicate":
        names.append("sex")
        arrays.append(arrays[EXTRACT_COLUMNS.index("sex")])
    elif change in ("upper", "padded"):
        names[EXTRACT_COLUMNS.index("sex")] = "SEX" if change == "upper" else " sex"
    elif change == "nul":
        arrays[EXTRACT_COLUMNS.index("kato_code")] = pa.array(["751010000", "75\x00"], type=pa.string())
    else:
        size = sum(len(value.encode()) for value in rows[1])
        arrays[0] = pa.array(["P1", "P2" + "x" * ((1 << 20) + 1 - size)], type=pa.string())
    pq.write_table(pa.Table.from_arrays(arrays, names=names), tmp_path / "coupons_2023_01.parquet")
    error = malformed(lambda: check_delivery(tmp_path / "coupons_2023_01.parquet"))
    assert error.column == column and found in str(error), str(error)
    if change in ("nul", "big"):
        assert error.row == 2
