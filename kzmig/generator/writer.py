"""Rows to text, and text to delivery files (CSV or Parquet), vectorised with Arrow."""

from __future__ import annotations

import binascii
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from kzmig.generator.rows import COLUMNS, Rows
from kzmig.landing import file_sha256
from kzmig.generator.year import DAY, DEPARTURE, INTERNAL, Context

SCHEMA = pa.schema([(name, pa.string()) for name in COLUMNS])
# Columns whose values the spec compares case-insensitively.
CODE_COLUMNS = ["coupon_type", "sex", "counterpart_country", "citizenship", "record_status"]


def take_strings(options: list[str], indices: np.ndarray) -> pa.Array:
    return pc.take(pa.array(options, pa.string()), pa.array(indices.astype(np.int32)))


def fixed_width(characters: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """A string array from a (rows x width) matrix of ASCII codes."""
    size, width = characters.shape
    offsets = np.arange(0, width * size + 1, width, dtype=np.int32)
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little").tobytes())
    return pa.StringArray.from_buffers(size, pa.py_buffer(offsets.tobytes()),
                                       pa.py_buffer(np.ascontiguousarray(characters, dtype=np.uint8).tobytes()),
                                       bitmap)


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """The decimal digits of non-negative integers, zero-padded to width (ASCII codes)."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values.astype(np.int64)[:, None] // powers % 10 + 48).astype(np.uint8)


def date_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dates = days.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months).astype(np.int64) + 1
    return year, month, day


def date_column(days: np.ndarray, dmy: np.ndarray) -> pa.Array:
    """YYYY-MM-DD, or DD.MM.YYYY where dmy."""
    year, month, day = date_parts(days)
    iso = np.concatenate([digits(year, 4), np.full((len(days), 1), 45, np.uint8), digits(month, 2),
                          np.full((len(days), 1), 45, np.uint8), digits(day, 2)], axis=1)
    if dmy.any():
        rows = np.flatnonzero(dmy)
        iso[rows] = np.concatenate([digits(day[rows], 2), np.full((len(rows), 1), 46, np.uint8),
                                    digits(month[rows], 2), np.full((len(rows), 1), 46, np.uint8),
                                    digits(year[rows], 4)], axis=1)
    return fixed_width(iso)


def timestamp_column(seconds: np.ndarray) -> pa.Array:
    """YYYY-MM-DDTHH:MM:SS."""
    days, rest = np.divmod(seconds.astype(np.int64), DAY)
    year, month, day = date_parts(days)
    size = len(seconds)

    def mark(code: int) -> np.ndarray:
        return np.full((size, 1), code, np.uint8)

    return fixed_width(np.concatenate([
        digits(year, 4), mark(45), digits(month, 2), mark(45), digits(day, 2), mark(84),
        digits(rest // 3600, 2), mark(58), digits(rest // 60 % 60, 2), mark(58), digits(rest % 60, 2)], axis=1))


def with_mask(array: pa.Array, mask: np.ndarray, function) -> pa.Array:
    """Replace the masked values by function(those values)."""
    if not mask.any():
        return array
    arrow_mask = pa.array(mask)
    return pc.replace_with_mask(array, arrow_mask, function(pc.filter(array, arrow_mask)))


def hex_hashes(values: np.ndarray) -> pa.Array:
    size = len(values)
    data = binascii.hexlify(values.astype(">u8").tobytes())
    offsets = np.arange(0, 16 * size + 1, 16, dtype=np.int32)
    return pa.StringArray.from_buffers(size, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data))


def pad(values: pa.Array, rng: np.random.Generator) -> pa.Array:
    """Leading, trailing or both spaces (nulls stay null)."""
    side = rng.integers(0, 3, size=len(values))
    left = pa.array(np.where(side != 1, " ", ""))
    right = pa.array(np.where(side != 0, "  ", ""))
    return pc.binary_join_element_wise(left, values, right, "")


def to_text(rows: Rows, ctx: Context, rng: np.random.Generator, year: int, padded_timestamps: int = 0
            ) -> pa.Table:
    """The 14 text columns of the rows, with overrides, lower-case codes and padding."""
    columns = rows.columns
    size = len(rows)
    settings = ctx.world["format"]
    ids = np.concatenate([np.full((size, 1), ord("K"), np.uint8), digits(year * 10**8 + columns["seq"].clip(0), 12)],
                         axis=1)
    ids = fixed_width(ids, columns["seq"] >= 0)
    digit = rng.random(size) < settings["sex_as_digit"]
    person = hex_hashes(columns["person"])
    upper = rng.random(size) < settings["person_hash_upper"]
    person = with_mask(person, upper, pc.utf8_upper)
    person = pc.if_else(pa.array(columns["has_person"]), person, pa.nulls(size, pa.string()))
    counterpart_kato = fixed_width(digits(columns["counterpart_kato"].clip(0), 9), columns["flow"] == INTERNAL)
    text = {
        "coupon_id": ids,
        "coupon_type": take_strings(["A", "D"], (columns["flow"] == DEPARTURE).astype(np.int8)),
        "registration_date": date_column(columns["reg_day"], columns["dmy"]),
        "person_id_hash": person,
        "sex": take_strings(["M", "F", "1", "2"], columns["sex"] + 2 * digit),
        "birth_date": date_column(columns["birth_day"], columns["dmy"]),
        "citizenship": take_strings(ctx.countries, columns["citizenship"]),
        "ethnicity_code": take_strings(ctx.ethnic_groups, columns["ethnic"]),
        "kato_code": fixed_width(digits(columns["kato"], 9)),
        "counterpart_country": take_strings(ctx.countries, columns["country"]),
        "counterpart_kato_code": counterpart_kato,
        "reason_code": take_strings(ctx.reasons, columns["reason"]),
        "submitted_at": timestamp_column(columns["submitted"]),
        "record_status": take_strings(["active", "cancelled"], columns["cancelled"].astype(np.int8)),
    }
    # The few values that differ from the plain ones are patched once per column:
    # overrides first, then lower case (codes), then padding.
    lower = np.flatnonzero(rng.random(size) < settings["lower_case"])
    padded = rng.random(size) < settings["padded"]
    which = rng.integers(0, len(COLUMNS) - 1, size=size)  # any column but submitted_at ...
    which[which >= COLUMNS.index("submitted_at")] += 1  # ... which is padded on its own below
    padded_timestamps = rng.choice(size, size=min(padded_timestamps, size), replace=False)
    for position, column in enumerate(COLUMNS):
        indices, values = rows.overrides.get(column, (np.zeros(0, dtype=np.int64), []))
        patch = dict(zip(np.asarray(indices).tolist(), values))
        if len(patch) != len(indices):
            raise ValueError(f"two overrides of {column} on one row")
        to_lower = lower.tolist() if column in CODE_COLUMNS else []
        to_pad = (padded_timestamps if column == "submitted_at"
                  else np.flatnonzero(padded & (which == position))).tolist()
        touched = sorted(set(patch) | set(to_lower) | set(to_pad))
        if not touched:
            continue
        current = dict(zip(touched, pc.take(text[column], pa.array(touched, pa.int64())).to_pylist()))
        current.update(patch)
        for index in to_lower:
            if current[index] is not None:
                current[index] = current[index].lower()
        sides = rng.integers(0, 3, size=len(to_pad))
        for index, side in zip(to_pad, sides):
            if current[index] is not None:
                current[index] = (" " if side != 1 else "") + current[index] + ("  " if side != 0 else "")
        mask = np.zeros(size, dtype=bool)
        mask[touched] = True
        text[column] = pc.replace_with_mask(text[column], pa.array(mask),
                                            pa.array([current[index] for index in touched], pa.string()))
    return pa.table([text[column] for column in COLUMNS], schema=SCHEMA)


def identical_copies(table: pa.Table, rows: Rows, ctx: Context, rng: np.random.Generator
                     ) -> tuple[pa.Table, np.ndarray]:
    """Rows sent twice: the same text, or the same after trimming and case-folding the
    codes. Returns the copies and the rows they copy."""
    share = ctx.world["noise"]["identical_row_share"]
    chosen = np.flatnonzero(rng.random(len(rows)) < share)
    copies = table.take(pa.array(chosen))
    vary = rng.random(len(chosen)) < 0.5
    columns = {name: copies.column(name).combine_chunks() for name in COLUMNS}
    for column in CODE_COLUMNS:
        columns[column] = with_mask(columns[column], vary & (rng.random(len(chosen)) < 0.5), pc.utf8_lower)
    columns["person_id_hash"] = with_mask(columns["person_id_hash"], vary & (rng.random(len(chosen)) < 0.3),
                                          pc.utf8_upper)
    padded_columns = [name for name in COLUMNS if name != "submitted_at"]
    column = padded_columns[int(rng.integers(0, len(padded_columns)))]
    columns[column] = with_mask(columns[column], vary, lambda values: pad(values, rng))
    return pa.table([columns[name] for name in COLUMNS], schema=SCHEMA), chosen


def delivery_index(seconds: np.ndarray, first_year: int) -> np.ndarray:
    """Month of sending, counted from January of the first year (= the delivery file)."""
    months = (seconds // DAY).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months - (first_year - 1970) * 12


PARTS = ".kzmig-parts"


class FileStyles:
    """How each delivery file is written: byte-order mark, line ends, quoting."""

    def __init__(self, months: int, world: dict, seed: int):
        settings = world["format"]
        draws = np.random.default_rng([seed, 0]).random((months, 3))
        self.bom = draws[:, 0] < settings["file_bom"]
        self.crlf = draws[:, 1] < settings["file_crlf"]
        self.quoted = draws[:, 2] < settings["file_all_quoted"]
        # At least one file of each kind (when there are a few files).
        if months >= 4:
            self.bom[1] |= not self.bom.any()
            self.crlf[2] |= not self.crlf.any()
            self.quoted[3] |= not self.quoted.any()

    def header(self, month: int) -> bytes:
        names = [f'"{name}"' for name in COLUMNS] if self.quoted[month] else COLUMNS
        eol = "\r\n" if self.crlf[month] else "\n"
        return ("\ufeff" if self.bom[month] else "").encode("utf-8") + (",".join(names) + eol).encode("utf-8")

    def options(self, month: int) -> pa_csv.WriteOptions:
        return pa_csv.WriteOptions(include_header=False, eol="\r\n" if self.crlf[month] else "\n",
                                   quoting_style="all_valid" if self.quoted[month] else "none")


def file_name(first_year: int, month: int, file_format: str) -> str:
    year, index = divmod(month, 12)
    return f"coupons_{first_year + year}_{index + 1:02d}.{file_format}"


class BlockWriter:
    """Writes one year's rows. The months of its own year go straight into their delivery
    files; rows sent in a later year (late registrations, corrections) go into part
    files that DeliveryFiles.finish appends, in year order, once that year is written."""

    def __init__(self, out_dir: Path, file_format: str, first_year: int, year: int, styles: FileStyles):
        self.out_dir, self.format, self.first_year, self.year = Path(out_dir), file_format, first_year, year
        self.styles = styles
        self.rows: dict[int, int] = {}
        self.parquet: dict[Path, pq.ParquetWriter] = {}

    def path(self, month: int) -> Path:
        if self.first_year + month // 12 == self.year:
            return self.out_dir / file_name(self.first_year, month, self.format)
        return self.out_dir / PARTS / f"{month:04d}_{self.year}.{self.format}"

    def write(self, table: pa.Table, delivery: np.ndarray) -> None:
        if np.any(np.diff(delivery) < 0):
            order = np.argsort(delivery, kind="stable")
            table = table.take(pa.array(order))
            delivery = delivery[order]
        bounds = np.flatnonzero(np.diff(delivery)) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [len(delivery)]])
        for start, end in zip(starts, ends):
            if end > start:
                self.write_month(int(delivery[start]), table.slice(start, end - start))

    def write_month(self, month: int, table: pa.Table) -> None:
        path = self.path(month)
        path.parent.mkdir(exist_ok=True)
        self.rows[month] = self.rows.get(month, 0) + table.num_rows
        if self.format == "parquet":
            if path not in self.parquet:
                self.parquet[path] = pq.ParquetWriter(path, SCHEMA, compression="zstd")
            self.parquet[path].write_table(table)
            return
        new = not path.exists()
        with open(path, "ab") as handle:
            if new and path.parent == self.out_dir:
                handle.write(self.styles.header(month))
            pa_csv.write_csv(table, handle, self.styles.options(month))

    def close(self) -> dict[int, int]:
        for writer in self.parquet.values():
            writer.close()
        return self.rows


class DeliveryFiles:
    """Completes the delivery files of each year, in year order."""

    def __init__(self, out_dir: Path, file_format: str, first_year: int, months: int, styles: FileStyles):
        self.out_dir, self.format, self.first_year, self.months = Path(out_dir), file_format, first_year, months
        self.styles = styles
        self.rows = np.zeros(months, dtype=np.int64)

    def name(self, month: int) -> str:
        return file_name(self.first_year, month, self.format)

    def add(self, rows: dict[int, int]) -> None:
        for month, count in rows.items():
            self.rows[month] += count

    def finish(self, year: int) -> None:
        """Append the parts of earlier years to the year's files (or create them)."""
        first = (year - self.first_year) * 12
        for month in range(first, min(first + 12, self.months)):
            path = self.out_dir / self.name(month)
            parts = sorted((self.out_dir / PARTS).glob(f"{month:04d}_*.{self.format}"))
            if self.format == "csv":
                if not path.exists():
                    path.write_bytes(self.styles.header(month))
                with open(path, "ab") as handle:
                    for part in parts:
                        with open(part, "rb") as source:
                            shutil.copyfileobj(source, handle, 1 << 20)
            elif parts or not path.exists():
                tables = ([pq.read_table(path)] if path.exists() else []) + [pq.read_table(part) for part in parts]
                pq.write_table(pa.concat_tables(tables) if tables else SCHEMA.empty_table(), path,
                               compression="zstd")
            for part in parts:
                part.unlink()

    def close(self) -> dict:
        parts = self.out_dir / PARTS
        if parts.exists():
            leftover = list(parts.iterdir())
            if leftover:
                raise RuntimeError(f"rows left outside the deliveries: {leftover[:3]}")
            parts.rmdir()
        files = {}
        for month in range(self.months):
            # the synthetic mark: a delivery is synthetic only with exactly these bytes
            path = self.out_dir / self.name(month)
            entry = {"rows": int(self.rows[month]), "size_bytes": path.stat().st_size,
                     "sha256": file_sha256(path)}
            if self.format == "csv":
                entry.update(byte_order_mark=bool(self.styles.bom[month]),
                             line_end="\\r\\n" if self.styles.crlf[month] else "\\n",
                             all_quoted=bool(self.styles.quoted[month]))
            files[self.name(month)] = entry
        return files
