"""The landing folder as the extract spec (version 1.2, docs/coupon-extract.md) defines it.

Which files are deliveries, and whether each one is well formed: the delivery names (a
symbolic link is read as the file it points to; a link to nothing is malformed), one
format per folder, UTF-8, RFC 4180 records of exactly the header's 14 columns (names
trimmed of Unicode White_Space) ending in \\n or \\r\\n, no lone carriage return outside
quotes, no NUL, no record over 1 MiB, Parquet columns matched by name and all strings (or
of the null type), and a delivery that never changes once it has been read. Both
engines use this one module: on DuckDB the dbt hook calls it through the dbt-duckdb plugin
`kzmig.dbt_plugin` (and `kzmig build` calls it first, before anything runs); on
PostgreSQL `kzmig load` calls it before it copies a delivery. The form it accepts is one in
which the build's readers (DuckDB's read_csv and read_parquet in
macros/landing/landing_relation_sql.sql, the COPY of kzmig load) read exactly the records
it counted, with the same values: tests/python/test_landing_differential.py holds them
to it on generated deliveries.

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
import os
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
# Extract spec 1.2: a record (CSV) or a row's values (Parquet) hold at most 1 MiB.
MAX_RECORD_BYTES = 1 << 20
# Unicode's White_Space, which the header's names are trimmed of (extract spec 1.2; the
# values are trimmed of the same characters in SQL: macro white_space_characters).
WHITE_SPACE = "".join(map(chr, [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                                0x2028, 0x2029, 0x202F, 0x205F, 0x3000]))
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
        if path.is_symlink() and not path.exists():
            raise MalformedDelivery(
                path.name, found=f"a symbolic link to {_link_target(path)!r}, which is not there (or a loop of links)",
                expected="a delivery file, or a symbolic link to one")
        if not path.is_file():
            raise MalformedDelivery(path.name, found="a folder" if path.is_dir() else "something that is not a file",
                                    expected="a delivery file, or a symbolic link to one")
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


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


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
        row_count = csv_layout(path.name, data).row_count
        sha256 = hashlib.sha256(data).hexdigest()
        return DeliveryReport(path.name, "csv", len(data), sha256, row_count)
    parquet = open_parquet(path)
    return DeliveryReport(path.name, "parquet", path.stat().st_size, file_sha256(path),
                          parquet.metadata.num_rows)


# --- CSV: the records, found once -----------------------------------------------------------
#
# The language a CSV delivery must be written in (extract spec 1.2), which is also the one
# in which the build's reader (DuckDB's read_csv, macros/landing/landing_relation_sql.sql,
# and the COPY of kzmig load) reads exactly these records: UTF-8 (a byte-order mark is
# dropped); records end in \n or \r\n outside quotes; a carriage return outside quotes not
# followed by \n ends nothing and is malformed; no NUL; RFC 4180 quoting exactly (a quote
# only opens a value at its start, a quoted value ends in a quote followed by a comma or
# the record's end, quotes inside it doubled; a value that does not begin with a quote
# holds none); every record at most 1 MiB (its bytes, quotes and commas included, its line
# end not) and of exactly 14 values; empty lines are not records. The scan is of bytes,
# with numpy: a byte is inside a quoted value when an odd number of quotes precede it.

def csv_layout(source_file: str, data: bytes) -> "CsvLayout":
    """The records of a CSV delivery, after checking every rule of its form.

    Raises MalformedDelivery for the first fault in the file (by its place in the file),
    naming the row ('header' for the header), the column, what was found and what was
    expected; then for a header that is not the spec's (its names trimmed of Unicode
    White_Space, then compared exactly).
    """
    layout = CsvLayout(source_file, data)
    fault = layout.first_fault()
    header_end = layout.content_ends[layout.header] if layout.header is not None else None
    if fault is not None and (header_end is None or fault[0] < header_end):
        layout.raise_fault(*fault)
    check_header(source_file, layout.values(layout.header) if layout.header is not None else None)
    if fault is not None:
        layout.raise_fault(*fault)
    return layout


class CsvLayout:
    """Where the records of a CSV delivery lie: byte offsets into `body` (the file without
    its byte-order mark) of every line (`starts`, `content_ends`: line end excluded);
    `records`, the indexes of the non-empty lines (the header first). Built by csv_layout."""

    def __init__(self, source_file: str, data: bytes):
        import numpy as np

        self.source_file = source_file
        self.body = body = data[len(UTF8_BOM):] if data.startswith(UTF8_BOM) else data
        self.octets = octets = np.frombuffer(body, dtype=np.uint8)
        size = len(octets)
        quote = octets == ord('"')
        self.has_quotes = bool(quote.any())
        # inside[i]: an odd number of quotes up to and including byte i (for a byte that is
        # not a quote: it lies inside a quoted value)
        self.inside = (np.bitwise_xor.accumulate(quote.view(np.uint8)).view(bool) if self.has_quotes
                       else np.zeros(size, dtype=bool))
        self.quote = quote
        newline = octets == ord("\n")
        if self.has_quotes:
            newline &= ~self.inside
        line_ends = np.flatnonzero(newline)
        starts = np.concatenate(([0], line_ends + 1)).astype(np.int64)
        ends = np.concatenate((line_ends, [size])).astype(np.int64)
        ended = np.arange(len(starts)) < len(line_ends)  # the line has its \n
        if starts[-1] == size:  # the nothing after a final line end
            starts, ends, ended = starts[:-1], ends[:-1], ended[:-1]
        has_cr = np.zeros(len(starts), dtype=bool)
        filled = ended & (ends > starts)
        has_cr[filled] = octets[ends[filled] - 1] == ord("\r")
        self.starts = starts
        self.content_ends = ends - has_cr
        self.records = np.flatnonzero(self.content_ends > starts)
        self.header = int(self.records[0]) if len(self.records) else None
        self.row_count = max(len(self.records) - 1, 0)
        comma = octets == ord(",")
        if self.has_quotes:
            comma &= ~self.inside
        self.comma = comma

    # -- faults: (offset in body, kind), the first in the file -----------------------------

    def first_fault(self) -> tuple[int, str] | None:
        import numpy as np

        octets, size = self.octets, len(self.octets)
        if size == 0:
            return None
        found: list[tuple[int, str]] = []

        def first(mask, kind: str) -> None:
            index = int(np.argmax(mask)) if len(mask) else 0
            if len(mask) and mask[index]:
                found.append((index, kind))

        first(octets == 0, "nul")
        lone_cr = octets == ord("\r")
        lone_cr[:-1] &= octets[1:] != ord("\n")
        if self.has_quotes:
            lone_cr &= ~self.inside
        first(lone_cr, "lone_cr")
        if self.has_quotes:
            opening = self.quote & self.inside  # the quote leaves an odd count: it opens a value
            before = octets[:-1]
            opening[1:] &= ~((before == ord(",")) | (before == ord("\n")) | (before == ord('"')))
            opening[0] = False  # the file's first value
            first(opening, "quote_inside_value")
            closing = self.quote & ~self.inside
            after = octets[1:]
            closing[:-1] &= ~((after == ord(",")) | (after == ord("\n")) | (after == ord("\r"))
                              | (after == ord('"')))
            closing[-1] = False  # the file's last value
            first(closing, "text_after_quote")
            if self.inside[-1]:
                opened = np.flatnonzero(self.quote & self.inside)
                found.append((int(opened[-1]), "unterminated"))
        if not self.body.isascii():  # ASCII is UTF-8; isascii is much faster than decoding
            try:
                self.body.decode("utf-8")
            except UnicodeDecodeError as error:
                found.append((error.start, "not_utf8"))
        records = self.records
        lengths = self.content_ends[records] - self.starts[records]
        first(lengths > MAX_RECORD_BYTES, "too_long")
        if found and found[-1][1] == "too_long":
            record = int(records[found[-1][0]])
            found[-1] = (int(self.starts[record]) + MAX_RECORD_BYTES, "too_long")
        if len(records) > 1:
            # commas outside quotes per line: their positions, counted between line starts
            commas_at = np.flatnonzero(self.comma)
            bounds = np.searchsorted(commas_at, np.append(self.starts, len(octets)))
            counts = np.diff(bounds)[records[1:]]
            wrong = counts != len(EXTRACT_COLUMNS) - 1
            index = int(np.argmax(wrong))
            if wrong[index]:
                record = int(records[1 + index])
                if counts[index] < len(EXTRACT_COLUMNS) - 1:
                    found.append((int(self.content_ends[record]), "wrong_width"))
                else:
                    commas = np.flatnonzero(self.comma[self.starts[record]:self.content_ends[record]])
                    found.append((int(self.starts[record] + commas[len(EXTRACT_COLUMNS) - 1]), "wrong_width"))
        return min(found) if found else None

    def line_at(self, offset: int) -> int:
        import numpy as np

        return int(np.searchsorted(self.starts, offset, side="right")) - 1

    def row_of(self, line: int) -> int | str:
        """The spec's row of a line: 'header', or data rows numbered from 1."""
        import numpy as np

        number = int(np.searchsorted(self.records, line))
        return "header" if number == 0 else number

    def raise_fault(self, offset: int, kind: str) -> None:
        line = self.line_at(offset)
        start, end = int(self.starts[line]), int(self.content_ends[line])
        index = int(self.comma[start:min(offset, end)].sum())
        row = self.row_of(line)
        column = _column_name(index) if row != "header" or kind != "wrong_width" else None
        value = self.value_bytes(line, offset)
        shown = value.decode("utf-8", errors="backslashreplace")
        source_file = self.source_file
        if kind == "not_utf8":
            raise MalformedDelivery(
                source_file, row=row, column=column,
                found=f"the value {value!r}, which is not UTF-8 (Windows-1251 or another code page?)",
                expected="UTF-8 text; save the file as UTF-8 and send it again")
        if kind == "nul":
            raise MalformedDelivery(source_file, row=row, column=column,
                                    found=f"a NUL character in the value {shown!r}",
                                    expected="text without NUL characters (is it a binary file?)")
        if kind == "lone_cr":
            raise MalformedDelivery(
                source_file, row=row, column=column,
                found=f"a carriage return (\\r) not followed by a line feed, outside quotes, in the value {shown!r}",
                expected="records ending in \\n or \\r\\n (a file whose lines end in \\r alone, as old Mac "
                         "programs write them, must be converted), and a carriage return in a value quoted")
        if kind == "too_long":
            lengths = [len(value.encode("utf-8", errors="surrogateescape")) for value in self.values(line)]
            raise MalformedDelivery(
                source_file, row=row, column=_column_name(lengths.index(max(lengths))),
                found=f"a record of {end - start:,} bytes, the longest value in this column "
                      f"({max(lengths):,} bytes)",
                expected=f"a record of at most 1 MiB ({MAX_RECORD_BYTES:,} bytes)")
        if kind == "wrong_width":
            _raise_wrong_width(source_file, row, self.values(line))
        quoting = {
            "quote_inside_value": f"a quote inside the value {shown!r}, which does not begin with one",
            "text_after_quote": f"text after the closing quote of the value {shown!r}",
            "unterminated": f"a quoted value that is never closed, opening {shown[:40]!r}",
        }[kind]
        raise MalformedDelivery(
            source_file, row=row, column=column,
            found=f"a value that breaks RFC 4180 quoting: {quoting}",
            expected="a value holding a quote, comma or line break to be quoted whole (a quote at its start "
                     "and a quote followed by a comma or the end of the record at its end), with the quotes "
                     "inside it doubled")

    def value_bytes(self, line: int, offset: int) -> bytes:
        """The bytes of the value holding `offset` in a line (from the comma before it to the next)."""
        import numpy as np

        start, end = int(self.starts[line]), int(self.content_ends[line])
        commas = np.flatnonzero(self.comma[start:end]) + start
        before = commas[commas < offset]
        after = commas[commas >= offset]
        begin = int(before[-1]) + 1 if len(before) else start
        finish = int(after[0]) if len(after) else max(end, offset + 1)
        return self.body[begin:finish]

    def values(self, line: int) -> list[str]:
        """The values of one line (quotes removed, doubled quotes undone), as text."""
        import numpy as np

        start, end = int(self.starts[line]), int(self.content_ends[line])
        bounds = [start, *(np.flatnonzero(self.comma[start:end]) + start + 1), end + 1]
        values = []
        for begin, finish in zip(bounds, bounds[1:]):
            raw = self.body[begin:finish - 1]
            if raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2:
                raw = raw[1:-1].replace(b'""', b'"')
            values.append(raw.decode("utf-8", errors="surrogateescape"))
        return values


def count_csv_records(source_file: str, data: bytes) -> int:
    """The number of data rows of a CSV delivery (csv_layout); raises MalformedDelivery."""
    return csv_layout(source_file, data).row_count


def csv_records(source_file: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The data rows of a CSV delivery as (row number, 14 values), after csv_layout's checks.

    The values are those of the records csv_layout found (Python's csv module reads the
    checked text: in the language csv_layout accepts, it splits exactly those records).
    """
    layout = csv_layout(source_file, data)
    # a value may be as long as a record (the csv module's default limit is 128 KiB)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES))
    reader = csv.reader(io.StringIO(layout.body.decode("utf-8"), newline=""), strict=True)
    records = (values for values in reader if values)
    next(records, None)  # the header
    number = 0
    for number, values in enumerate(records, start=1):
        if len(values) != len(EXTRACT_COLUMNS) or number > layout.row_count:
            raise KzmigError(f"{source_file}: row {number} was read otherwise than the landing check found it")
        yield number, values
    if number != layout.row_count:
        raise KzmigError(f"{source_file}: {number} rows read, the landing check found {layout.row_count}")


def _column_name(index: int) -> str:
    return EXTRACT_COLUMNS[index] if index < len(EXTRACT_COLUMNS) else f"{index + 1} (no such column)"


def check_header(source_file: str, header: list[str] | None) -> None:
    """Raise MalformedDelivery unless the header is exactly the spec's 14 columns, in order,
    once each name is trimmed of Unicode White_Space (extract spec 1.2)."""
    expected = list(EXTRACT_COLUMNS)
    if header is not None:
        header = [name.strip(WHITE_SPACE) for name in header]
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


# --- Parquet ---------------------------------------------------------------------------------

def open_parquet(path: str | Path):
    """A Parquet delivery (pyarrow.parquet.ParquetFile) after checking its columns and values.

    The spec's 14 columns matched by name, in any order (names compared exactly: a
    Parquet schema's names are not text to trim); each of type string (a large or
    dictionary-encoded string too) or of the null type (no value: all missing). Every
    value valid UTF-8 without a NUL character, and every row at most 1 MiB (the bytes of
    its values). Raises MalformedDelivery for an unreadable file, a missing, extra or
    repeated column, a column of another type (an integer ethnicity_code has lost its
    leading zeros), or a value or row that breaks those rules (naming the row and column).
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
    _check_parquet_columns(path.name, list(schema.names))
    typed = [field for field in schema if not _is_text(field.type)]
    if typed:
        raise MalformedDelivery(
            path.name, column=", ".join(field.name for field in typed),
            found=f"type {typed[0].type}" if len(typed) == 1
            else ", ".join(f"{field.name} of type {field.type}" for field in typed),
            expected="type string for every column (a code written as a number loses its leading zeros), "
                     "or the null type for a column without values")
    _check_parquet_values(path.name, parquet)
    return parquet


def _check_parquet_columns(source_file: str, names: list[str]) -> None:
    """Raise MalformedDelivery unless `names` are the spec's 14 columns, each once, in any order."""
    expected = f"the {len(EXTRACT_COLUMNS)} columns {','.join(EXTRACT_COLUMNS)}, in any order, each once"
    for name in names:
        if name not in EXTRACT_COLUMNS:
            raise MalformedDelivery(source_file, column=repr(name),
                                    found=f"a column {name!r} that is not the spec's", expected=expected)
        if names.count(name) > 1:
            raise MalformedDelivery(source_file, column=name, found=f"{names.count(name)} columns named {name!r}",
                                    expected=expected)
    for column in EXTRACT_COLUMNS:
        if column not in names:
            raise MalformedDelivery(source_file, column=column, found=f"no column {column}", expected=expected)


def _check_parquet_values(source_file: str, parquet) -> None:
    """Raise MalformedDelivery on the first value that is not UTF-8 or holds a NUL, or row over 1 MiB."""
    import numpy as np
    import pyarrow as pa

    first_row = 1
    for batch in parquet.iter_batches(batch_size=65_536):
        sizes = np.zeros(batch.num_rows, dtype=np.int64)
        for name in batch.schema.names:
            column = batch.column(name)
            if pa.types.is_null(column.type):
                continue
            if pa.types.is_dictionary(column.type):
                column = column.dictionary_decode()
            try:
                column.validate(full=True)
            except pa.ArrowInvalid:
                for index, value in enumerate(column.cast(pa.large_binary()).to_pylist()):
                    try:
                        (value or b"").decode("utf-8")
                    except UnicodeDecodeError:
                        raise MalformedDelivery(
                            source_file, row=first_row + index, column=name,
                            found=f"the value {value!r}, which is not UTF-8",
                            expected="UTF-8 text, as Parquet's string type is") from None
            lengths, nul = _value_lengths_and_nul(column)
            sizes += lengths
            if nul is not None:
                raise MalformedDelivery(source_file, row=first_row + nul, column=name,
                                        found=f"a NUL character in the value {column[nul].as_py()!r}",
                                        expected="text without NUL characters")
        if (sizes > MAX_RECORD_BYTES).any():
            index = int(np.argmax(sizes > MAX_RECORD_BYTES))
            raise MalformedDelivery(source_file, row=first_row + index,
                                    found=f"a row of {int(sizes[index]):,} bytes of values",
                                    expected=f"a row of at most 1 MiB ({MAX_RECORD_BYTES:,} bytes)")
        first_row += batch.num_rows


def _value_lengths_and_nul(column):
    """The byte length of every value of a string column (0 for null), and the index of the
    first value holding a NUL character (or None). Read from the column's buffers (offsets
    and bytes), ten times faster than searching every value; other layouts by compute."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        width = np.int32 if pa.types.is_string(column.type) else np.int64
        _, offsets_buffer, data_buffer = column.buffers()
        offsets = np.frombuffer(offsets_buffer, dtype=width)[column.offset:column.offset + len(column) + 1]
        lengths = np.diff(offsets).astype(np.int64)
        if column.null_count:  # Arrow lets a null's slot hold bytes; they are no value
            lengths *= column.is_valid().to_numpy(zero_copy_only=False)
        data = (np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0]:offsets[-1]] if data_buffer is not None
                else np.zeros(0, dtype=np.uint8))
        if not (data == 0).any():
            return lengths, None
        if not column.null_count:
            zero = int(np.argmax(data == 0)) + int(offsets[0])
            return lengths, int(np.searchsorted(offsets, zero, side="right")) - 1
    lengths = pc.fill_null(pc.binary_length(column), 0).to_numpy(zero_copy_only=False)
    nul = pc.fill_null(pc.match_substring(column, "\x00"), False).to_numpy(zero_copy_only=False)
    return lengths, (int(np.argmax(nul)) if nul.any() else None)


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
