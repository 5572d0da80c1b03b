"""`kzmig load --target postgres`: copy the landing folder's extracts into PostgreSQL.

A PostgreSQL server cannot read the landing folder, so this command copies every
delivery into the raw table `landing.coupon_extract_rows`, the relation the staging
models read on every engine (on DuckDB it is a view over the files). The table has
the same shape on both engines: `source_file` (file name only), `source_row` (1 = the
first data row after the header, in file order), then the 14 columns of the extract,
as text, in the order of the spec.

Empty values load as NULL, on both engines: an empty CSV field, quoted or not, is NULL
(as DuckDB's read_csv gives it); in Parquet a null stays NULL and an empty string stays
an empty string (as DuckDB's read_parquet gives them). The staging trims every value
and treats empty as missing, so the difference never reaches a model.

Loading is idempotent: `landing.loaded_deliveries` records each file's name, size,
SHA-256 and row count, in the same transaction as its rows. A file loaded before with
the same content is skipped; a file whose content changed since it was loaded is an
error, because nothing is ever deleted or replaced in the landing folder.

The only check here is the header (a malformed delivery names its file); every other
rule of the extract lives in the dbt project.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from kzmig.project import DEFAULT_LANDING_DIR, KzmigError

# The columns of the coupon extract, in the order of the interface specification.
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
DELIVERY_NAME = re.compile(r"^coupons_\d{4}_\d{2}\.(csv|parquet)$")
UTF8_BOM = b"\xef\xbb\xbf"

_COLUMN_LIST = ", ".join(EXTRACT_COLUMNS)
_TEXT_COLUMNS = ",\n    ".join(f"{column} text" for column in EXTRACT_COLUMNS)

SETUP_SQL = f"""
create schema if not exists landing;
comment on schema landing is
    'Raw coupon extracts as delivered, copied in by kzmig load. Coupon-level personal data: no BI access.';
create table if not exists landing.coupon_extract_rows (
    source_file text not null,
    source_row bigint not null,
    {_TEXT_COLUMNS},
    primary key (source_file, source_row)
);
comment on table landing.coupon_extract_rows is
    'Every row of every loaded coupon extract, as text: file name, row number (1 = first data row), the 14 columns of the extract.';
create table if not exists landing.loaded_deliveries (
    source_file text primary key,
    file_size_bytes bigint not null,
    file_sha256 text not null,
    row_count bigint not null,
    loaded_at timestamp with time zone not null default now()
);
comment on table landing.loaded_deliveries is
    'One row per delivery file loaded into landing.coupon_extract_rows (a file is loaded once).';
"""


@dataclass
class Delivery:
    path: Path
    size: int
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def file_format(self) -> str:
        return self.path.suffix.lstrip(".")


@dataclass
class LoadSummary:
    loaded: list[tuple[str, int]]
    skipped: list[str]

    @property
    def rows_loaded(self) -> int:
        return sum(rows for _, rows in self.loaded)


def connection_settings() -> dict[str, object]:
    """The connection of the dbt profile's postgres target (same variables, same defaults)."""
    return {
        "host": os.environ.get("KZMIG_PG_HOST", "localhost"),
        "port": int(os.environ.get("KZMIG_PG_PORT", "5432")),
        "user": os.environ.get("KZMIG_PG_USER", "kzmig"),
        "password": os.environ.get("KZMIG_PG_PASSWORD", "kzmig"),
        "dbname": os.environ.get("KZMIG_PG_DATABASE", "kz_migration"),
    }


def connect(**overrides):
    import psycopg2

    settings = {**connection_settings(), **overrides}
    try:
        return psycopg2.connect(**settings, application_name="kzmig load")
    except psycopg2.OperationalError as error:
        raise KzmigError(
            f"cannot connect to PostgreSQL at {settings['host']}:{settings['port']} as {settings['user']} "
            f"(database {settings['dbname']}): {str(error).strip()}\n"
            "Start a local server with scripts/postgres.sh start, or set KZMIG_PG_HOST/PORT/USER/PASSWORD/DATABASE."
        ) from error


def find_deliveries(landing_dir: Path) -> list[Path]:
    """The delivery files of a landing folder, in file name order; one format only."""
    if not landing_dir.is_dir():
        raise KzmigError(f"landing folder {landing_dir} does not exist")
    files = sorted((path for path in landing_dir.iterdir()
                    if path.is_file() and DELIVERY_NAME.match(path.name)), key=lambda path: path.name)
    formats = {path.suffix for path in files}
    if len(formats) > 1:
        raise KzmigError(f"landing folder {landing_dir} holds both CSV and Parquet deliveries; "
                         "a landing folder holds one format or the other")
    return files


def describe(path: Path) -> Delivery:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return Delivery(path=path, size=path.stat().st_size, sha256=digest.hexdigest())


def _header_error(delivery: Delivery, found: list[str]) -> KzmigError:
    return KzmigError(
        f"malformed delivery {delivery.name}: the header is not the extract's columns.\n"
        f"  expected: {','.join(EXTRACT_COLUMNS)}\n"
        f"  found:    {','.join(found)}"
    )


def _changed_error(delivery: Delivery, loaded_sha256: str) -> KzmigError:
    return KzmigError(
        f"delivery {delivery.name} was loaded before with other content (sha256 {loaded_sha256[:12]}…, "
        f"now {delivery.sha256[:12]}…). Deliveries are never replaced: send the changes as a new delivery."
    )


def _copy_error(delivery: Delivery, error) -> KzmigError:
    """A COPY error as a malformed delivery, naming the file and, for CSV, the line."""
    message = (error.diag.message_primary or str(error)).strip()
    # COPY counts the lines of what it reads (the header is line 1 of a CSV file).
    context = re.match(r'COPY \S+, line (\d+)(?:, column \w+)?(?:: "(.*)")?', error.diag.context or "", re.S)
    if context is None or delivery.file_format != "csv":
        return KzmigError(f"malformed delivery {delivery.name}: {message}")
    text = f": {context.group(2)}" if context.group(2) else ""
    return KzmigError(f"malformed delivery {delivery.name} line {context.group(1)}: {message}{text}")


def check_csv_header(delivery: Delivery) -> None:
    with delivery.path.open("rb") as handle:
        first_line = handle.readline()
    if first_line.startswith(UTF8_BOM):
        first_line = first_line[len(UTF8_BOM):]
    try:
        text = first_line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise KzmigError(f"malformed delivery {delivery.name}: the header is not UTF-8 ({error})") from error
    header = next(csv.reader([text.rstrip("\r\n")]), [])
    if tuple(header) != EXTRACT_COLUMNS:
        raise _header_error(delivery, header)


def open_parquet(delivery: Delivery):
    """The Parquet file, after checking that its columns are the extract's, all strings."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(delivery.path)
    except (pa.ArrowException, OSError) as error:
        raise KzmigError(f"malformed delivery {delivery.name}: not a readable Parquet file ({error})") from error
    schema = parquet.schema_arrow
    if tuple(schema.names) != EXTRACT_COLUMNS:
        raise _header_error(delivery, list(schema.names))
    for field in schema:
        if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
                or pa.types.is_null(field.type)):
            raise KzmigError(f"malformed delivery {delivery.name}: column {field.name} is of type "
                             f"{field.type}, not string")
    return parquet


class _ChunkReader(io.RawIOBase):
    """A read-only file over an iterator of byte chunks (what COPY FROM STDIN consumes)."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._pending) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._pending += chunk
        if size < 0:
            data, self._pending = self._pending, b""
        else:
            data, self._pending = self._pending[:size], self._pending[size:]
        return data


def parquet_as_csv(parquet) -> _ChunkReader:
    """Stream a Parquet file as header-less CSV: null as an empty field, '' as a quoted ""."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    schema = pa.schema([(column, pa.string()) for column in EXTRACT_COLUMNS])
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")

    def chunks() -> Iterator[bytes]:
        for batch in parquet.iter_batches(batch_size=100_000):
            buffer = io.BytesIO()
            pa_csv.write_csv(pa.Table.from_batches([batch]).cast(schema), buffer, options)
            yield buffer.getvalue()

    return _ChunkReader(chunks())


def _copy_statement(file_format: str) -> str:
    if file_format == "csv":
        # Quoted empty fields become NULL too, as in DuckDB's read_csv (allow_quoted_nulls).
        return (f"copy pg_temp.delivery_rows ({_COLUMN_LIST}) from stdin "
                f"with (format csv, header true, encoding 'UTF8', force_null ({_COLUMN_LIST}))")
    return f"copy pg_temp.delivery_rows ({_COLUMN_LIST}) from stdin with (format csv, header false, encoding 'UTF8')"


def load_delivery(connection, delivery: Delivery) -> int | None:
    """Load one file in one transaction; the number of rows, or None when already loaded."""
    import psycopg2

    with connection, connection.cursor() as cursor:
        # One loader at a time decides whether a file is new.
        cursor.execute("lock table landing.loaded_deliveries in share row exclusive mode")
        cursor.execute("select file_sha256 from landing.loaded_deliveries where source_file = %s",
                       (delivery.name,))
        loaded = cursor.fetchone()
        if loaded is not None:
            if loaded[0] == delivery.sha256:
                return None
            raise _changed_error(delivery, loaded[0])
        cursor.execute(
            f"""
            create temporary table delivery_rows (
                source_row bigint generated always as identity,
                {_TEXT_COLUMNS}
            ) on commit drop
            """
        )
        try:
            if delivery.file_format == "csv":
                with delivery.path.open("rb") as handle:
                    # COPY's HEADER skips the first line, byte-order mark included.
                    cursor.copy_expert(_copy_statement("csv"), handle, size=1 << 20)
            else:
                cursor.copy_expert(_copy_statement("parquet"), parquet_as_csv(open_parquet(delivery)), size=1 << 20)
        except psycopg2.DataError as error:
            raise _copy_error(delivery, error) from error
        cursor.execute(
            f"""
            insert into landing.coupon_extract_rows (source_file, source_row, {_COLUMN_LIST})
            select %s, source_row, {_COLUMN_LIST}
            from pg_temp.delivery_rows
            order by source_row
            """,
            (delivery.name,),
        )
        rows = cursor.rowcount
        cursor.execute(
            """
            insert into landing.loaded_deliveries (source_file, file_size_bytes, file_sha256, row_count)
            values (%s, %s, %s, %s)
            """,
            (delivery.name, delivery.size, delivery.sha256, rows),
        )
        return rows


def load(landing_dir: str | os.PathLike, quiet: bool = False, **connection_overrides) -> LoadSummary:
    """Load every delivery of `landing_dir` that is not in the database yet."""
    landing = Path(landing_dir)
    files = find_deliveries(landing)
    if not files:
        raise KzmigError(f"landing folder {landing} holds no deliveries (coupons_YYYY_MM.csv or .parquet)")

    def say(message: str) -> None:
        if not quiet:
            print(f"kzmig load: {message}", flush=True)

    # Check every header before loading anything: a malformed delivery loads nothing.
    deliveries = []
    for path in files:
        delivery = describe(path)
        if delivery.file_format == "csv":
            check_csv_header(delivery)
        else:
            open_parquet(delivery)
        deliveries.append(delivery)

    connection = connect(**connection_overrides)
    summary = LoadSummary(loaded=[], skipped=[])
    started = time.monotonic()
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("select pg_advisory_xact_lock(hashtext('kzmig load setup'))")
            cursor.execute(SETUP_SQL)
            cursor.execute("select source_file, file_sha256 from landing.loaded_deliveries")
            loaded = dict(cursor.fetchall())
        # A changed delivery stops the load before anything new is loaded.
        for delivery in deliveries:
            if loaded.get(delivery.name, delivery.sha256) != delivery.sha256:
                raise _changed_error(delivery, loaded[delivery.name])
        width = len(str(len(deliveries)))
        for number, delivery in enumerate(deliveries, start=1):
            file_started = time.monotonic()
            rows = load_delivery(connection, delivery)
            position = f"[{number:>{width}}/{len(deliveries)}]"
            if rows is None:
                summary.skipped.append(delivery.name)
                say(f"{position} {delivery.name}: already loaded, skipped")
            else:
                summary.loaded.append((delivery.name, rows))
                say(f"{position} {delivery.name}: {rows:,} rows in {time.monotonic() - file_started:.1f} s")
        with connection, connection.cursor() as cursor:
            cursor.execute("analyze landing.coupon_extract_rows")
    finally:
        connection.close()
    say(f"{len(summary.loaded)} deliveries loaded ({summary.rows_loaded:,} rows), "
        f"{len(summary.skipped)} already loaded, in {time.monotonic() - started:.1f} s")
    return summary


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "load", help="copy the landing folder's extracts into PostgreSQL (landing.coupon_extract_rows)")
    parser.add_argument("--target", default="postgres", choices=["postgres"],
                        help="database to load into (only postgres: DuckDB reads the files directly)")
    parser.add_argument("--landing-dir", default=str(DEFAULT_LANDING_DIR),
                        help="folder of coupon extracts (default: data/landing)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    load(args.landing_dir, quiet=args.quiet)
    return 0
