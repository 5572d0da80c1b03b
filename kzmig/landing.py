"""The landing folder as the extract spec (version 1.1, docs/coupon-extract.md) defines it.

Which files are deliveries, and whether each one is well formed: the delivery names, one
format per folder, UTF-8, RFC 4180 records of exactly the header's 14 columns, Parquet
columns all strings, and a delivery that never changes once it has been read. Both
engines use this one module: on DuckDB the dbt hook calls it through the dbt-duckdb plugin
`kzmig.dbt_plugin` (and `kzmig build` calls it first, before anything runs); on
PostgreSQL `kzmig load` calls it before it copies a delivery. So the two cannot disagree.

What a row *means* (the outcomes, the checks on values, `submitted_at` being a real
timestamp) is not decided here: those rules are SQL (macros/landing, models/).

Row numbers are the spec's: data rows (records) numbered from 1 after the header, however
many line breaks their quoted values hold; empty lines are not rows; `header` names the
header. A malformed delivery raises `MalformedDelivery`, whose message names the file, the
row, the column, what was found and what was expected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from kzmig.project import KzmigError

# The columns of the coupon extract, in the order of the spec.
EXTRACT_COLUMNS = (
    "coupon_id",
    "coupon_type",
    "registration_date",
    "person_id_hash",
    "sex",
    "birth_date",
    "citizenship",
    "ethnicity_code",
    "kato_code",
    "counterpart_country",
    "counterpart_kato_code",
    "reason_code",
    "submitted_at",
    "record_status",
)
# Spec, Delivery: exactly `coupons_`, a four-digit year, `_`, month 01-12, `.csv`/`.parquet`.
DELIVERY_NAME = re.compile(r"coupons_[0-9]{4}_(0[1-9]|1[0-2])\.(csv|parquet)")
# A file whose name begins with `coupons` in any case is meant as a delivery.
DELIVERY_PREFIX = "coupons"
UTF8_BOM = b"\xef\xbb\xbf"
# The manifest `kzmig generate` writes beside a synthetic world (kzmig.generator.MANIFEST;
# not imported, so that the landing check does not load the generator). The Migration
# Service's deliveries never come with one.
SYNTHETIC_MANIFEST = "manifest.json"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
REBUILD = ("kzmig build --full-refresh (on PostgreSQL with --target postgres; plain dbt: "
           "dbt build --full-refresh)")
CHANGED_HINT = f"Nothing was built. If the new content is the right one, rebuild everything from the landing folder: {REBUILD}."
VANISHED_HINT = f"Nothing was built. If this is the right landing folder, rebuild everything from it: {REBUILD}."


class MalformedDelivery(KzmigError):
    """A delivery the spec calls malformed; the build stops with this message.

    Attributes: source_file (file name), row (data row number from 1, 'header', or None),
    column (column name or None), found and expected (what was found against what the spec
    expects), hint (what to do, or None).
    """

    def __init__(self, source_file: str, found: str, expected: str, *, row: int | str | None = None,
                 column: str | None = None, hint: str | None = None):
        self.source_file = source_file
        self.row = row
        self.column = column
        self.found = found
        self.expected = expected
        self.hint = hint
        where = [f"malformed delivery {source_file}"]
        if row is not None:
            where.append("header" if row == "header" else f"row {row}")
        if column is not None:
            where.append(f"column {column}")
        message = f"{', '.join(where)}: found {found}; expected {expected}."
        super().__init__(f"{message} {hint}" if hint else message)


@dataclass(frozen=True)
class DeliveryReport:
    """What was read of one delivery: name, format, size in bytes, SHA-256, data rows."""

    source_file: str
    file_format: str
    file_size_bytes: int
    file_sha256: str
    row_count: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


# --- the folder --------------------------------------------------------------------------

def find_deliveries(landing_dir: str | Path) -> list[Path]:
    """The deliveries of a landing folder, in file name order.

    Files whose names do not begin with `coupons` (any case) are not deliveries and are
    ignored. Raises MalformedDelivery for a `coupons...` name that is not a delivery name
    and for a folder holding both formats; KzmigError when the folder does not exist or
    holds no delivery.
    """
    folder = Path(landing_dir)
    if not folder.is_dir():
        raise KzmigError(f"landing folder {folder} does not exist")
    deliveries = []
    for path in sorted(folder.iterdir(), key=lambda path: path.name):
        if not path.name.lower().startswith(DELIVERY_PREFIX):
            continue
        if not DELIVERY_NAME.fullmatch(path.name):
            raise MalformedDelivery(
                path.name, found=f"the file name {path.name!r}",
                expected="a delivery name coupons_YYYY_MM.csv or coupons_YYYY_MM.parquet in lower "
                         "case, month 01-12 (a copy such as 'coupons_2023_01 (1).csv' is not a delivery)",
                hint=f"Rename or remove it from {folder}.")
        if not path.is_file():
            raise MalformedDelivery(path.name, found="a folder", expected="a delivery file")
        deliveries.append(path)
    formats = sorted({path.suffix for path in deliveries})
    if len(formats) > 1:
        first_of_each = [next(path.name for path in deliveries if path.suffix == suffix) for suffix in formats]
        raise MalformedDelivery(
            " and ".join(first_of_each), found=f"both CSV and Parquet deliveries in {folder}",
            expected="one format per landing folder")
    if not deliveries:
        raise KzmigError(f"no coupon extracts: landing folder {folder} holds no delivery "
                         "(coupons_YYYY_MM.csv or coupons_YYYY_MM.parquet)")
    return deliveries


def check_landing(landing_dir: str | Path,
                  read_before: Mapping[str, DeliveryReport] | None = None,
                  checked_now: Mapping[str, tuple[DeliveryReport, int]] | None = None) -> list[DeliveryReport]:
    """Check every delivery of a landing folder; one report per delivery, in file name order.

    read_before: what the warehouse read of each delivery before (by file name); such a
    delivery is only hashed: a different SHA-256 or size, or a delivery that is no longer
    in the folder, raises MalformedDelivery (the hint says how to rebuild). Every other
    delivery is read whole (check_delivery).
    checked_now: reports of a check made moments ago by the same command, with each file's
    modification time in ns; a file of the same size and time is not read again.
    Raises MalformedDelivery on the first malformed delivery (file name order).
    """
    read_before = read_before or {}
    checked_now = checked_now or {}
    paths = find_deliveries(landing_dir)
    landed = {path.name for path in paths}
    gone = sorted(name for name in read_before if name not in landed)
    if gone:
        raise MalformedDelivery(
            gone[0], found=f"no such file in {landing_dir} (it was read by an earlier build)",
            expected="every delivery read before to stay in the landing folder (nothing is ever deleted "
                     "from it; is this the right folder?)", hint=VANISHED_HINT)
    reports = []
    for path in paths:
        status = path.stat()
        recent = checked_now.get(path.name)
        if recent is not None and recent[0].file_size_bytes == status.st_size and recent[1] == status.st_mtime_ns:
            reports.append(recent[0])
        elif path.name in read_before:
            reports.append(check_unchanged(path, read_before[path.name]))
        else:
            reports.append(check_delivery(path))
    return reports


def check_unchanged(path: Path, before: DeliveryReport) -> DeliveryReport:
    """`before` when the file still has its size and SHA-256; else raise MalformedDelivery."""
    size = path.stat().st_size
    sha256 = file_sha256(path) if size == before.file_size_bytes else None
    if sha256 != before.file_sha256:
        now = f"{size:,} bytes" + (f", sha256 {sha256[:12]}" if sha256 else "")
        raise MalformedDelivery(
            path.name,
            found=f"content that differs from what an earlier build read ({now}; "
                  f"read before: {before.file_size_bytes:,} bytes, sha256 {before.file_sha256[:12]}, "
                  f"{before.row_count:,} row(s))",
            expected="a delivery never to change once landed", hint=CHANGED_HINT)
    return before


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


# --- the synthetic mark ------------------------------------------------------------------

@dataclass(frozen=True)
class ManifestEntry:
    """A delivery as the generator's manifest lists it: name, size in bytes and SHA-256
    of what kzmig generate wrote (both None in a manifest of a generator older than the
    synthetic mark, which listed names only)."""

    source_file: str
    file_size_bytes: int | None
    file_sha256: str | None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def read_synthetic_manifest(path: str | Path) -> dict | None:
    """The manifest of a synthetic world (a JSON object with `"synthetic": true` and a
    non-empty object `files`) at `path`, or None when the file is missing or anything else."""
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if (isinstance(manifest, dict) and manifest.get("synthetic") is True
            and isinstance(manifest.get("files"), dict) and manifest["files"]):
        return manifest
    return None


def synthetic_manifest_entries(landing_dir: str | Path) -> list[ManifestEntry]:
    """The deliveries that the manifest.json of a synthetic world in `landing_dir` lists,
    in file name order; [] when the folder holds no such manifest (real deliveries).

    Whether a landed delivery is synthetic is decided in SQL (int_coupon_deliveries_marked:
    listed with the SHA-256 of the delivery as read). Raises KzmigError ("malformed
    synthetic manifest ...", naming the file) when a synthetic manifest lists a delivery
    with a size that is not a non-negative integer or a SHA-256 that is not 64
    hexadecimal digits.
    """
    manifest = read_synthetic_manifest(Path(landing_dir) / SYNTHETIC_MANIFEST)
    if manifest is None:
        return []
    entries = []
    for name, listed in sorted(manifest["files"].items()):
        listed = listed if isinstance(listed, dict) else {}
        size, sha256 = listed.get("size_bytes"), listed.get("sha256")
        sha256 = sha256.lower() if isinstance(sha256, str) else sha256
        if ((size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0))
                or (sha256 is not None and not (isinstance(sha256, str) and SHA256_HEX.fullmatch(sha256)))):
            raise KzmigError(
                f"malformed synthetic manifest {Path(landing_dir) / SYNTHETIC_MANIFEST}: found {name} listed "
                f"with size_bytes {size!r} and sha256 {sha256!r}; expected a size in bytes and a SHA-256 of "
                "64 hexadecimal digits, as kzmig generate writes them. Nothing was built. Generate the "
                "world again (kzmig generate --force --out DIR), or remove the manifest if these are "
                "real deliveries.")
        entries.append(ManifestEntry(str(name), size, sha256))
    return entries


# --- one delivery ------------------------------------------------------------------------

def check_delivery(path: str | Path) -> DeliveryReport:
    """Read one delivery whole and check its form; its report. Raises MalformedDelivery."""
    path = Path(path)
    if path.suffix == ".csv":
        data = path.read_bytes()
        row_count = count_csv_records(path.name, data)
        sha256 = hashlib.sha256(data).hexdigest()
        return DeliveryReport(path.name, "csv", len(data), sha256, row_count)
    parquet = open_parquet(path)
    return DeliveryReport(path.name, "parquet", path.stat().st_size, file_sha256(path),
                          parquet.metadata.num_rows)


def count_csv_records(source_file: str, data: bytes) -> int:
    """The number of data rows of a CSV delivery, checked as csv_records checks them.

    A file without a quote character and without a lone carriage return (almost every
    delivery) has one record per non-empty line: its values are counted with numpy, ten
    times faster than the csv module; any other file is read by csv_records. Raises
    MalformedDelivery as csv_records does.
    """
    import numpy as np

    body = data[len(UTF8_BOM):] if data.startswith(UTF8_BOM) else data
    if b'"' in body or b"\x00" in body or body.count(b"\r") != body.count(b"\r\n"):
        return sum(1 for _ in csv_records(source_file, data))
    try:
        if not body.isascii():  # ASCII is UTF-8; isascii is much faster than decoding
            body.decode("utf-8")
    except UnicodeDecodeError:
        _raise_not_utf8(source_file, body)
    octets = np.frombuffer(body, dtype=np.uint8)
    line_ends = np.flatnonzero(octets == ord("\n"))
    starts = np.concatenate(([0], line_ends + 1))
    starts = starts[starts < len(body)]  # not the nothing after a final line end
    ends = np.concatenate((line_ends, [len(body)]))[:len(starts)]
    # a line is empty when it holds nothing but its \r
    has_cr = (octets[ends - 1] == ord("\r")) & (ends > starts)
    records = np.flatnonzero(ends - starts - has_cr > 0)
    if len(records) == 0:
        check_header(source_file, None)
    header = records[0]
    check_header(source_file, body[starts[header]:ends[header] - has_cr[header]].decode("utf-8").split(","))
    commas = np.add.reduceat((octets == ord(",")).view(np.uint8), starts, dtype=np.int64) if len(starts) else starts
    rows = records[1:]
    wrong = np.flatnonzero(commas[rows] != len(EXTRACT_COLUMNS) - 1)
    if len(wrong):
        line = rows[wrong[0]]
        values = body[starts[line]:ends[line] - has_cr[line]].decode("utf-8").split(",")
        _raise_wrong_width(source_file, int(wrong[0]) + 1, values)
    return len(rows)


def csv_records(source_file: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The data rows of a CSV delivery as (row number, 14 values), after checking the header.

    Records follow RFC 4180 (quoted values may hold commas, quotes and line breaks); records
    end in \\n or \\r\\n, mixed in one file; the last may lack a line end; empty lines are not
    rows; a UTF-8 byte-order mark is dropped. Raises MalformedDelivery for text that is not
    UTF-8, a header that is not the spec's, a record that is not valid RFC 4180 or that
    does not hold exactly 14 values.
    """
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _raise_not_utf8(source_file, data)
    records = _records(source_file, text)
    if "\x00" in text:
        records = _without_nul(source_file, records)
    header = next(records, None)
    check_header(source_file, header[1] if header else None)
    for row, values in records:
        if len(values) != len(EXTRACT_COLUMNS):
            _raise_wrong_width(source_file, row, values)
        yield row, values


def _records(source_file: str, text: str) -> Iterator[tuple[int | str, list[str]]]:
    """The non-empty records of `text`: ('header', values), then (1, values), (2, values) ..."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise MalformedDelivery(
                source_file, row=number or "header",
                found=f"a value that breaks RFC 4180 quoting ({error}, near line {reader.line_num} of the file)",
                expected="a quoted value to end in a quote followed by a comma or the end of the "
                         "record, and quotes inside it doubled") from None
        if not values:
            continue
        yield (number if number else "header"), values
        number += 1


def _without_nul(source_file: str, records: Iterator[tuple[int | str, list[str]]]):
    """The records, stopping at the first value holding a NUL character (no engine stores it)."""
    for row, values in records:
        for index, value in enumerate(values):
            if "\x00" in value:
                raise MalformedDelivery(
                    source_file, row=row, column=_column_name(index),
                    found=f"a NUL character in the value {value!r}",
                    expected="text without NUL characters (is it a binary file?)")
        yield row, values


def _column_name(index: int) -> str:
    return EXTRACT_COLUMNS[index] if index < len(EXTRACT_COLUMNS) else f"{index + 1} (no such column)"


def _raise_not_utf8(source_file: str, data: bytes) -> None:
    """Name the row and column of the first byte that is not UTF-8 and raise."""
    # Undecodable bytes become lone surrogates, which valid UTF-8 text never holds.
    text = data.decode("utf-8", errors="surrogateescape")
    for row, values in _records(source_file, text):
        for index, value in enumerate(values):
            if re.search("[\udc80-\udcff]", value):
                bad = value.encode("utf-8", errors="surrogateescape")
                raise MalformedDelivery(
                    source_file, row=row, column=_column_name(index),
                    found=f"the value {bad!r}, which is not UTF-8 (Windows-1251 or another code page?)",
                    expected="UTF-8 text; save the file as UTF-8 and send it again")
    raise MalformedDelivery(source_file, found="bytes that are not UTF-8 outside any value",
                            expected="UTF-8 text")


def check_header(source_file: str, header: list[str] | None) -> None:
    """Raise MalformedDelivery unless the header is exactly the spec's 14 columns, in order."""
    expected = list(EXTRACT_COLUMNS)
    if header == expected:
        return
    if not header:
        raise MalformedDelivery(source_file, row="header", found="an empty file",
                                expected=f"a header row {','.join(expected)}")
    if len(header) == 1 and ";" in header[0]:
        raise MalformedDelivery(source_file, row="header", found="a header separated by semicolons",
                                expected="comma-separated values")
    for position, column in enumerate(expected):
        if position >= len(header):
            raise MalformedDelivery(
                source_file, row="header", column=column,
                found=f"{len(header)} columns, without {column}", expected=f"the {len(expected)} columns "
                f"{','.join(expected)}")
        if header[position] != column:
            missing = column not in header
            raise MalformedDelivery(
                source_file, row="header", column=column,
                found=f"{header[position]!r} as column {position + 1}"
                      + (f" and no column {column}" if missing else ""),
                expected=f"{column!r} as column {position + 1} (the columns are {','.join(expected)})")
    extra = header[len(expected):]
    raise MalformedDelivery(
        source_file, row="header", column=f"{len(expected) + 1} (no such column)",
        found=f"{len(extra)} column(s) more than the spec's, starting {extra[0]!r}"
              + (" (a trailing comma leaves an empty column)" if extra[0] == "" else ""),
        expected=f"exactly the {len(expected)} columns {','.join(expected)}")


def _raise_wrong_width(source_file: str, row: int, values: list[str]) -> None:
    width = len(EXTRACT_COLUMNS)
    if len(values) < width:
        column = EXTRACT_COLUMNS[len(values)]
        found = f"{len(values)} values, ending before {column}"
    else:
        column = f"{width + 1} (no such column)"
        found = f"{len(values)} values, the extra one(s) starting {values[width]!r}" + (
            " (a trailing comma leaves an empty value)" if values[width] == "" else "")
    raise MalformedDelivery(source_file, row=row, column=column, found=found,
                            expected=f"the {width} values of the header's columns")


def open_parquet(path: str | Path):
    """A Parquet delivery (pyarrow.parquet.ParquetFile) after checking its columns.

    Every column of the spec, in order, each of type string (a large or dictionary-encoded
    string too; a column of nulls only holds no value and is accepted). Raises
    MalformedDelivery for an unreadable file, a missing, extra or misplaced column, or a
    column of another type (an integer ethnicity_code has lost its leading zeros).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise MalformedDelivery(path.name, found=f"a file Parquet cannot read ({error})",
                                expected="a Parquet file") from None
    schema = parquet.schema_arrow
    if list(schema.names) != list(EXTRACT_COLUMNS):
        check_header(path.name, list(schema.names))
    typed = [field for field in schema if not _is_text(field.type)]
    if typed:
        raise MalformedDelivery(
            path.name, column=", ".join(field.name for field in typed),
            found=f"type {typed[0].type}" if len(typed) == 1
            else ", ".join(f"{field.name} of type {field.type}" for field in typed),
            expected="type string for every column (a code written as a number loses its leading zeros)")
    return parquet


def _is_text(data_type) -> bool:
    import pyarrow as pa

    value_type = data_type.value_type if pa.types.is_dictionary(data_type) else data_type
    return (pa.types.is_string(value_type) or pa.types.is_large_string(value_type)
            or pa.types.is_string_view(value_type) or pa.types.is_null(value_type))


def reports_from_dicts(rows: Iterable[Mapping[str, object]]) -> dict[str, DeliveryReport]:
    """DeliveryReports by file name, from rows with DeliveryReport's fields."""
    return {
        str(row["source_file"]): DeliveryReport(
            str(row["source_file"]), str(row["file_format"]), int(row["file_size_bytes"]),
            str(row["file_sha256"]), int(row["row_count"]))
        for row in rows
    }
