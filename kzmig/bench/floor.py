"""The floor of `kzmig bench`: runs floor.sql (every rule of the extract spec, hand-written
in one DuckDB statement chain) over a landing folder and writes the three monthly marts and
the outcome counts as Parquet files into an output folder.

    python -m kzmig.bench.floor LANDING_DIR OUT_DIR [--memory-limit LIMIT] [--temp-dir DIR]

DuckDB's memory_limit is the warehouse's default (kzmig.project.DEFAULT_DUCKDB_MEMORY_LIMIT)
unless --memory-limit says otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import duckdb

from kzmig.bench.deliveries import COUNTRIES_CSV, EXTRACT_COLUMNS, MARTS, REGIONS_CSV, delivery_files
from kzmig.landing import check_landing
from kzmig.project import DEFAULT_DUCKDB_MEMORY_LIMIT, KzmigError

FLOOR_SQL = Path(__file__).with_name("floor.sql")
STATEMENT_NAME = re.compile(r"^create (?:or replace )?temp (?:table|view|macro) (\w+)", re.MULTILINE)


def sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def extract_rows_sql(files: list[Path], file_format: str) -> str:
    """One query reading every delivery: the 14 extract columns as text."""
    paths = "[" + ", ".join(sql_text(str(path)) for path in files) + "]"
    if file_format == "csv":
        columns = ", ".join(f"'{column}': 'varchar'" for column in EXTRACT_COLUMNS)
        return (f"select * from read_csv({paths}, header = true, auto_detect = false, delim = ',', "
                f"quote = '\"', escape = '\"', strict_mode = false, columns = {{{columns}}})")
    columns = ", ".join(f"cast({column} as varchar) as {column}" for column in EXTRACT_COLUMNS)
    return f"select {columns} from read_parquet({paths})"


def floor_statements(files: list[Path], file_format: str) -> list[str]:
    text = (FLOOR_SQL.read_text(encoding="utf-8")
            .replace("__EXTRACT_ROWS__", extract_rows_sql(files, file_format))
            .replace("__REGIONS_CSV__", str(REGIONS_CSV).replace("'", "''"))
            .replace("__COUNTRIES_CSV__", str(COUNTRIES_CSV).replace("'", "''")))
    return [statement.strip() for statement in text.split("\n;\n") if statement.strip()]


def statement_name(statement: str) -> str:
    """The table, view or macro a statement creates (for the seconds per statement)."""
    found = STATEMENT_NAME.search(statement)
    return found.group(1) if found else "?"


def run_floor(landing_dir: Path, out_dir: Path, memory_limit: str | None = DEFAULT_DUCKDB_MEMORY_LIMIT,
              temp_dir: Path | None = None, threads: int | None = None) -> dict:
    """Compute the floor; return the seconds spent in each statement."""
    # The form of every delivery, as the warehouse checks it (kzmig.landing).
    check_landing(landing_dir)
    files, file_format = delivery_files(landing_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(":memory:")
    if memory_limit:
        connection.execute(f"set memory_limit = {sql_text(memory_limit)}")
    if temp_dir:
        temp_dir.mkdir(parents=True, exist_ok=True)
        connection.execute(f"set temp_directory = {sql_text(str(temp_dir))}")
    if threads:
        connection.execute(f"set threads = {int(threads)}")
    connection.execute("set preserve_insertion_order = false")
    seconds: dict[str, float] = {}
    for statement in floor_statements(files, file_format):
        table = statement_name(statement)
        started = time.monotonic()
        connection.execute(statement)
        seconds[table] = round(time.monotonic() - started, 3)
        if table == "malformed_submissions":
            (malformed,) = connection.execute("select row_count from malformed_submissions").fetchone()
            if malformed:
                raise KzmigError(f"malformed delivery: {malformed} row(s) with a submitted_at that is not "
                                 "a timestamp YYYY-MM-DDTHH:MM:SS")
    started = time.monotonic()
    for table in [*MARTS, "outcome_counts"]:
        connection.execute(f"copy {table} to {sql_text(str(out_dir / (table + '.parquet')))} (format parquet)")
    seconds["write"] = round(time.monotonic() - started, 3)
    connection.close()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landing_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--memory-limit", default=DEFAULT_DUCKDB_MEMORY_LIMIT,
                        help=f"DuckDB memory_limit (default: {DEFAULT_DUCKDB_MEMORY_LIMIT}, the warehouse's default)")
    parser.add_argument("--temp-dir", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    try:
        seconds = run_floor(args.landing_dir, args.out_dir, args.memory_limit, args.temp_dir, args.threads)
    except KzmigError as error:
        print(f"floor: error: {error}", file=sys.stderr)
        return 1
    print(json.dumps({"statement_seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
