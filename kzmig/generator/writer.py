"""Rows to text, and text to delivery files (CSV or Parquet), vectorised with Arrow."""

from __future__ import annotations

import binascii
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from kzmig.generator.rows import COLUMNS, IDENTICAL, Rows
from kzmig.generator.year import DAY, DEPARTURE, INTERNAL, Context

SCHEMA = pa.schema([(name, pa.string()) for name in COLUMNS])
# Columns whose values the spec compares case-insensitively.
CODE_COLUMNS = ["coupon_type", "sex", "counterpart_country", "citizenship", "record_status"]


def take_strings(options: list[str], indices: np.ndarray) -> pa.Array:
    return pc.take(pa.array(options, pa.string()), pa.array(indices.astype(np.int32)))


def iso_dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype(np.int32), pa.date32()).cast(pa.string())


def dmy_dates(days: np.ndarray) -> pa.Array:
    return pc.strftime(pa.array(days.astype(np.int32), pa.date32()), format="%d.%m.%Y")


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


def date_column(days: np.ndarray, dmy: np.ndarray) -> pa.Array:
    return with_mask(iso_dates(days), dmy, lambda _: dmy_dates(days[dmy]))


def to_text(rows: Rows, ctx: Context, rng: np.random.Generator, year: int, padded_timestamps: int = 0
            ) -> pa.Table:
    """The 14 text columns of the rows, with overrides, lower-case codes and padding."""
    columns = rows.columns
    size = len(rows)
    settings = ctx.world["format"]
    ids = pa.array(year * 10**8 + columns["seq"], pa.int64()).cast(pa.string())
    ids = pc.binary_join_element_wise("K", ids, "")
    ids = pc.if_else(pa.array(columns["seq"] < 0), pa.nulls(size, pa.string()), ids)
    digit = rng.random(size) < settings["sex_as_digit"]
    person = hex_hashes(columns["person"])
    upper = rng.random(size) < settings["person_hash_upper"]
    person = with_mask(person, upper, pc.utf8_upper)
    person = pc.if_else(pa.array(columns["has_person"]), person, pa.nulls(size, pa.string()))
    counterpart_kato = pa.array(columns["counterpart_kato"], pa.int64()).cast(pa.string())
    counterpart_kato = pc.if_else(pa.array(columns["flow"] == INTERNAL), counterpart_kato, pa.nulls(size, pa.string()))
    seconds = pa.array(columns["submitted"], pa.timestamp("s")).cast(pa.string())
    text = {
        "coupon_id": ids,
        "coupon_type": take_strings(["A", "D"], (columns["flow"] == DEPARTURE).astype(np.int8)),
        "registration_date": date_column(columns["reg_day"], columns["dmy"]),
        "person_id_hash": person,
        "sex": take_strings(["M", "F", "1", "2"], columns["sex"] + 2 * digit),
        "birth_date": date_column(columns["birth_day"], columns["dmy"]),
        "citizenship": take_strings(ctx.countries, columns["citizenship"]),
        "ethnicity_code": take_strings(ctx.ethnic_groups, columns["ethnic"]),
        "kato_code": pa.array(columns["kato"], pa.int64()).cast(pa.string()),
        "counterpart_country": take_strings(ctx.countries, columns["country"]),
        "counterpart_kato_code": counterpart_kato,
        "reason_code": take_strings(ctx.reasons, columns["reason"]),
        "submitted_at": pc.replace_substring(seconds, " ", "T"),
        "record_status": take_strings(["active", "cancelled"], columns["cancelled"].astype(np.int8)),
    }
    for column, (indices, values) in rows.overrides.items():
        if len(indices) == 0:
            continue
        order = np.argsort(indices, kind="stable")
        mask = np.zeros(size, dtype=bool)
        mask[indices] = True
        if mask.sum() != len(indices):
            raise ValueError(f"two overrides of {column} on one row")
        text[column] = pc.replace_with_mask(text[column], pa.array(mask),
                                            pa.array([values[index] for index in order], pa.string()))
    lower = rng.random(size) < settings["lower_case"]
    for column in CODE_COLUMNS:
        text[column] = with_mask(text[column], lower, pc.utf8_lower)
    padded = rng.random(size) < settings["padded"]
    which = rng.integers(0, len(COLUMNS) - 1, size=size)  # any column but submitted_at ...
    which[which >= COLUMNS.index("submitted_at")] += 1  # ... which is padded on its own below
    for position, column in enumerate(COLUMNS):
        text[column] = with_mask(text[column], padded & (which == position), lambda values: pad(values, rng))
    # A few timestamps with spaces around them (every value is trimmed first).
    chosen = np.zeros(size, dtype=bool)
    chosen[rng.choice(size, size=min(padded_timestamps, size), replace=False)] = True
    text["submitted_at"] = with_mask(text["submitted_at"], chosen, lambda values: pad(values, rng))
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


class DeliveryWriter:
    """Appends rows to the monthly delivery files coupons_YYYY_MM.csv|parquet."""

    def __init__(self, out_dir: Path, file_format: str, first_year: int, months: int, ctx: Context,
                 rng: np.random.Generator):
        self.out_dir = Path(out_dir)
        self.format = file_format
        self.first_year = first_year
        self.months = months
        settings = ctx.world["format"]
        draws = rng.random((months, 3))
        self.bom = draws[:, 0] < settings["file_bom"]
        self.crlf = draws[:, 1] < settings["file_crlf"]
        self.quoted = draws[:, 2] < settings["file_all_quoted"]
        # At least one file of each kind (when there are a few files).
        if months >= 4:
            self.bom[1] |= not self.bom.any()
            self.crlf[2] |= not self.crlf.any()
            self.quoted[3] |= not self.quoted.any()
        self.rows = np.zeros(months, dtype=np.int64)
        self.parquet: dict[int, pq.ParquetWriter] = {}

    def name(self, month: int) -> str:
        year, index = divmod(month, 12)
        return f"coupons_{self.first_year + year}_{index + 1:02d}.{self.format}"

    def delivery_of(self, seconds: np.ndarray) -> np.ndarray:
        months = (seconds // DAY).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        return months - (self.first_year - 1970) * 12

    def write(self, table: pa.Table, delivery: np.ndarray) -> None:
        if len(delivery) and (delivery.min() < 0 or delivery.max() >= self.months):
            raise ValueError("a row falls outside the deliveries")
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
        path = self.out_dir / self.name(month)
        self.rows[month] += table.num_rows
        if self.format == "parquet":
            if month not in self.parquet:
                self.parquet[month] = pq.ParquetWriter(path, SCHEMA, compression="zstd")
            self.parquet[month].write_table(table)
            return
        eol = "\r\n" if self.crlf[month] else "\n"
        new = not path.exists()
        with open(path, "ab") as handle:
            if new:
                if self.bom[month]:
                    handle.write("\ufeff".encode("utf-8"))
                header = [f'"{name}"' for name in COLUMNS] if self.quoted[month] else COLUMNS
                handle.write((",".join(header) + eol).encode("utf-8"))
            pa_csv.write_csv(table, handle, pa_csv.WriteOptions(
                include_header=False, eol=eol, quoting_style="all_valid" if self.quoted[month] else "none"))

    def close(self) -> dict:
        for writer in self.parquet.values():
            writer.close()
        files = {}
        for month in range(self.months):
            path = self.out_dir / self.name(month)
            if self.format == "csv" and not path.exists():
                # A month without any row still gets its (empty) delivery.
                self.write_month(month, SCHEMA.empty_table())
            if self.format == "parquet" and month not in self.parquet:
                pq.write_table(SCHEMA.empty_table(), path)
            entry = {"rows": int(self.rows[month])}
            if self.format == "csv":
                entry.update(byte_order_mark=bool(self.bom[month]),
                             line_end="\\r\\n" if self.crlf[month] else "\\n",
                             all_quoted=bool(self.quoted[month]))
            files[self.name(month)] = entry
        return files
