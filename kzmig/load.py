"""`kzmig load --target postgres`: copy the landing folder's extracts into PostgreSQL.

A PostgreSQL server cannot read the landing folder, so this command copies every
delivery into the raw table `landing.coupon_extract_rows`, the relation the staging
models read on every engine (on DuckDB it is a view over the files). The table has
the same shape on both engines: `source_file` (file name only), `source_row` (1 = the
first data row after the header, in file order), then the 14 columns of the extract,
as text, in the order of the spec.

Every delivery is checked first by kzmig.landing, the same code the DuckDB build runs
(names, one format, UTF-8, RFC 4180 records of 14 values ending in \\n or \\r\\n, no NUL,
no record over 1 MiB, Parquet columns by name, strings or null):
a malformed delivery loads nothing. A CSV delivery is copied as the records that check
read (so quoted line breaks and mixed line ends load exactly as on DuckDB).

Empty values load as NULL, on both engines: an empty CSV field, quoted or not, is NULL
(as DuckDB's read_csv gives it); in Parquet a null stays NULL and an empty string stays
an empty string (as DuckDB's read_parquet gives them). The staging trims every value
and treats empty as missing, so the difference never reaches a model.

Loading is idempotent: `landing.coupon_deliveries` records each file's name, format,
size, SHA-256 and row count, in the same transaction as its rows. A file loaded before
with the same content is skipped; a file whose content changed since it was loaded, or
that is no longer in the folder, stops the load (extract spec 1.1: a delivery never
changes). `--full-refresh` empties both tables and loads every delivery afresh.

The synthetic mark: `landing.synthetic_manifest_files` holds, after every load, the
deliveries that the manifest.json of a synthetic world in the folder lists (name, size,
SHA-256; kzmig.landing.synthetic_manifest_entries), none for real deliveries, as the
DuckDB build's hook writes it; the build marks a delivery synthetic when its SHA-256 is
the one listed (int_coupon_deliveries_marked).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from kzmig.landing import (
    EXTRACT_COLUMNS,
    DeliveryReport,
    check_landing,
    check_unchanged,
    csv_records,
    open_parquet,
    reports_from_dicts,
    synthetic_manifest_entries,
)
from kzmig.project import DEFAULT_LANDING_DIR, KzmigError

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
-- The record of loaded deliveries was landing.loaded_deliveries before extract spec 1.1;
-- the raw rows are reloaded from the landing folder under the new record.
do $$ begin
    if to_regclass('landing.loaded_deliveries') is not null then
        drop table landing.loaded_deliveries;
        truncate landing.coupon_extract_rows;
    end if;
end $$;
create table if not exists landing.coupon_deliveries (
    source_file text primary key,
    file_format text not null,
    file_size_bytes bigint not null,
    file_sha256 text not null,
    row_count bigint not null,
    read_at timestamp not null default localtimestamp
);
comment on table landing.coupon_deliveries is
    'One row per delivery file loaded into landing.coupon_extract_rows (a file is loaded once, and never changes).';
create table if not exists landing.synthetic_manifest_files (
    source_file text primary key,
    file_size_bytes bigint,
    file_sha256 text
);
comment on table landing.synthetic_manifest_files is
    'The deliveries listed by the manifest.json of a synthetic world (kzmig generate) in the landing folder of the last load, with their size and SHA-256; empty for real deliveries.';
"""


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


def _copy_error(delivery: DeliveryReport, error) -> KzmigError:
    """A COPY error (a value PostgreSQL refuses) as an error naming the file and the row."""
    message = (error.diag.message_primary or str(error)).strip()
    context = (error.diag.context or "").strip()
    return KzmigError(f"cannot load delivery {delivery.source_file}: {message} ({context})")


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
    """Stream a Parquet file as header-less CSV of the spec's columns in order (matched by
    name; a column of the null type as empty fields): null as an empty field, '' as a
    quoted ""."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    schema = pa.schema([(column, pa.string()) for column in EXTRACT_COLUMNS])
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")

    def chunks() -> Iterator[bytes]:
        for batch in parquet.iter_batches(batch_size=100_000):
            buffer = io.BytesIO()
            # the columns by name, in the spec's order (a Parquet delivery may hold them in any order)
            table = pa.Table.from_batches([batch]).select(list(EXTRACT_COLUMNS))
            pa_csv.write_csv(table.cast(schema), buffer, options)
            yield buffer.getvalue()

    return _ChunkReader(chunks())


def csv_as_csv(path: Path) -> _ChunkReader:
    """Stream a checked CSV delivery as header-less CSV of its records (kzmig.landing's reading).

    Values are written as read; an empty value, quoted or not, is written unquoted, which
    COPY loads as NULL (as DuckDB's read_csv gives it).
    """

    def chunks() -> Iterator[bytes]:
        buffer = io.StringIO()
        # \r\n as the line end makes the writer quote every value holding \r or \n.
        writer = csv.writer(buffer, lineterminator="\r\n")
        for number, (_, values) in enumerate(csv_records(path.name, path.read_bytes()), start=1):
            writer.writerow(values)
            if number % 50_000 == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")

    return _ChunkReader(chunks())


COPY_STATEMENT = (f"copy pg_temp.delivery_rows ({', '.join(EXTRACT_COLUMNS)}) from stdin "
                  "with (format csv, header false, encoding 'UTF8')")


def load_delivery(connection, delivery: DeliveryReport, path: Path) -> int | None:
    """Load one checked delivery in one transaction; the number of rows, or None when loaded before."""
    import psycopg2

    with connection, connection.cursor() as cursor:
        # One loader at a time decides whether a file is new.
        cursor.execute("lock table landing.coupon_deliveries in share row exclusive mode")
        cursor.execute("select source_file, file_format, file_size_bytes, file_sha256, row_count"
                       " from landing.coupon_deliveries where source_file = %s", (delivery.source_file,))
        loaded = cursor.fetchone()
        if loaded is not None:
            # Loaded meanwhile by another loader: the same content, or it stops.
            names = [column[0] for column in cursor.description]
            check_unchanged(path, reports_from_dicts([dict(zip(names, loaded))])[delivery.source_file])
            return None
        cursor.execute(
            f"""
            create temporary table delivery_rows (
                source_row bigint generated always as identity,
                {_TEXT_COLUMNS}
            ) on commit drop
            """
        )
        stream = csv_as_csv(path) if delivery.file_format == "csv" else parquet_as_csv(open_parquet(path))
        try:
            cursor.copy_expert(COPY_STATEMENT, stream, size=1 << 20)
        except psycopg2.DataError as error:
            raise _copy_error(delivery, error) from error
        cursor.execute(
            f"""
            insert into landing.coupon_extract_rows (source_file, source_row, {_COLUMN_LIST})
            select %s, source_row, {_COLUMN_LIST}
            from pg_temp.delivery_rows
            order by source_row
            """,
            (delivery.source_file,),
        )
        rows = cursor.rowcount
        if rows != delivery.row_count:
            raise KzmigError(f"delivery {delivery.source_file}: the check read {delivery.row_count:,} rows "
                             f"but {rows:,} were copied; nothing of it was loaded")
        cursor.execute(
            """
            insert into landing.coupon_deliveries
                (source_file, file_format, file_size_bytes, file_sha256, row_count)
            values (%s, %s, %s, %s, %s)
            """,
            (delivery.source_file, delivery.file_format, delivery.file_size_bytes, delivery.file_sha256, rows),
        )
        return rows


def load(landing_dir: str | os.PathLike, quiet: bool = False, full_refresh: bool = False,
         **connection_overrides) -> LoadSummary:
    """Load every delivery of `landing_dir` that is not in the database yet.

    Every delivery is checked first (kzmig.landing.check_landing, against what was loaded
    before): a malformed or changed delivery raises MalformedDelivery and loads nothing;
    so does a synthetic manifest listing a malformed size or SHA-256 (KzmigError). Then
    landing.synthetic_manifest_files is replaced by the folder's manifest entries.
    full_refresh: empty the landing tables first and load every delivery afresh.
    Returns the files loaded (with their rows) and those skipped as loaded before.
    """
    landing = Path(landing_dir)

    def say(message: str) -> None:
        if not quiet:
            print(f"kzmig load: {message}", flush=True)

    connection = connect(**connection_overrides)
    summary = LoadSummary(loaded=[], skipped=[])
    started = time.monotonic()
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("select pg_advisory_xact_lock(hashtext('kzmig load setup'))")
            cursor.execute(SETUP_SQL)
            cursor.execute("select source_file, file_format, file_size_bytes, file_sha256, row_count"
                           " from landing.coupon_deliveries")
            names = [column[0] for column in cursor.description]
            loaded = reports_from_dicts(dict(zip(names, row)) for row in cursor.fetchall())
        # Check every delivery before loading anything: a malformed one loads nothing.
        deliveries = check_landing(landing, None if full_refresh else loaded)
        listed = synthetic_manifest_entries(landing)
        if full_refresh:
            with connection, connection.cursor() as cursor:
                cursor.execute("truncate landing.coupon_extract_rows, landing.coupon_deliveries")
            say("full refresh: every delivery is loaded afresh")
        width = len(str(len(deliveries)))
        for number, delivery in enumerate(deliveries, start=1):
            file_started = time.monotonic()
            position = f"[{number:>{width}}/{len(deliveries)}]"
            if not full_refresh and delivery.source_file in loaded:
                summary.skipped.append(delivery.source_file)
                say(f"{position} {delivery.source_file}: loaded before, unchanged, skipped")
                continue
            rows = load_delivery(connection, delivery, landing / delivery.source_file)
            if rows is None:
                summary.skipped.append(delivery.source_file)
                say(f"{position} {delivery.source_file}: loaded meanwhile, skipped")
            else:
                summary.loaded.append((delivery.source_file, rows))
                say(f"{position} {delivery.source_file}: {rows:,} rows in {time.monotonic() - file_started:.1f} s")
        with connection, connection.cursor() as cursor:
            # the folder's manifest now (the synthetic mark), replaced whole
            cursor.execute("delete from landing.synthetic_manifest_files")
            cursor.executemany(
                "insert into landing.synthetic_manifest_files (source_file, file_size_bytes, file_sha256)"
                " values (%s, %s, %s)",
                [(entry.source_file, entry.file_size_bytes, entry.file_sha256) for entry in listed])
            cursor.execute("analyze landing.coupon_extract_rows")
    finally:
        connection.close()
    say(f"{len(summary.loaded)} deliveries loaded ({summary.rows_loaded:,} rows), "
        f"{len(summary.skipped)} loaded before, in {time.monotonic() - started:.1f} s")
    return summary


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "load", help="copy the landing folder's extracts into PostgreSQL (landing.coupon_extract_rows)")
    parser.add_argument("--target", default="postgres", choices=["postgres"],
                        help="database to load into (only postgres: DuckDB reads the files directly)")
    parser.add_argument("--landing-dir", default=str(DEFAULT_LANDING_DIR),
                        help="folder of coupon extracts (default: data/landing)")
    parser.add_argument("--full-refresh", action="store_true",
                        help="empty the landing tables and load every delivery afresh")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    load(args.landing_dir, quiet=args.quiet, full_refresh=args.full_refresh)
    if args.full_refresh and not args.quiet:
        print("kzmig load: the landing tables were reloaded: rebuild with kzmig build --target postgres "
              "--full-refresh (an incremental build would keep the rows read before)", flush=True)
    return 0
