"""Writing the files of a release: CSV, the workbook and release.json. Shaping only."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from kzmig.export.formatting import in_language, month_name
from kzmig.export.tables import Table

CSV_ENCODING = "utf-8-sig"  # with a byte-order mark, so that spreadsheet programs read Cyrillic
INTEGER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0"
PLAIN_NUMBER_FORMAT = "0"
MAX_WIDTH = 60


@dataclass
class MatrixTotals:
    """The totals of an origin-destination matrix, as its release table holds them."""

    label: str  # the label of the total row and column, in the release's language
    rows: list[int]  # per origin (the axis order): its departures to the other regions
    columns: list[int]  # per destination: its arrivals from the other regions
    grand: int  # all moves between regions


@dataclass
class TableData:
    table: Table
    rows: list[tuple]  # in the order of table.columns
    axis: list[tuple[str, str]] | None = None  # (code, name) of a matrix's rows and columns
    # per row, parallel to rows: 'total', 'subtotal' or 'item' (None: every row is an item)
    levels: list[str] | None = None
    axis_totals: MatrixTotals | None = None  # a matrix's row, column and grand totals

    def level(self, index: int) -> str:
        return self.levels[index] if self.levels is not None else "item"


def csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return value


def write_csv(path: Path, data: TableData) -> None:
    with path.open("w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["row_level", *(column.key for column in data.table.columns)])
        for index, row in enumerate(data.rows):
            writer.writerow([data.level(index), *(csv_value(value) for value in row)])


def _cell_value(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _shown(value: object, kind: str, lang: str) -> object:
    """The value as a sheet shows it: a month by its name, anything else as it is."""
    if kind == "month" and isinstance(value, int):
        return month_name(value, lang)
    return _cell_value(value)


def _number_format(kind: str, value: object) -> str | None:
    if kind == "int":
        return INTEGER_FORMAT
    if kind == "pct":
        return PERCENT_FORMAT
    if isinstance(value, int) and not isinstance(value, bool):
        return PLAIN_NUMBER_FORMAT  # years and months
    return None


def _display_width(value: object, kind: str) -> int:
    if value is None:
        return 0
    if kind == "int" and isinstance(value, int):
        return len(f"{value:,}")
    if kind == "pct" and isinstance(value, (int, float)):
        return len(f"{value:.1f}")
    return len(str(value))


def _set_widths(sheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 6) + 2, MAX_WIDTH)


def add_table_sheet(workbook: Workbook, data: TableData, lang: str, period: str) -> None:
    """Row 1: the title; row 2: the headers (frozen); from row 3: one row per mart row."""
    table = data.table
    sheet = workbook.create_sheet(title=table.sheet(lang))
    sheet.cell(row=1, column=1, value=table.title(lang, period)).font = Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=2, column=index, value=column.header(lang))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [min(len(column.header(lang)), 24) for column in table.columns]
    for index, row in enumerate(data.rows):
        row_index = index + 3
        level = data.level(index)
        for col_index, (column, value) in enumerate(zip(table.columns, row), start=1):
            shown = _shown(value, column.kind, lang)
            cell = sheet.cell(row=row_index, column=col_index, value=shown)
            number_format = _number_format(column.kind, shown)
            if number_format and value is not None:
                cell.number_format = number_format
            if level != "item":
                cell.font = Font(bold=True)
            elif column.key == table.label:
                cell.alignment = Alignment(indent=1)
            widths[col_index - 1] = max(widths[col_index - 1], _display_width(shown, column.kind))
    leading_labels = 0
    for column in table.columns:
        if column.kind != "text":
            break
        leading_labels += 1
    sheet.freeze_panes = f"{get_column_letter(min(leading_labels, 2) + 1)}3"
    _set_widths(sheet, widths)


def add_matrix_sheet(workbook: Workbook, data: TableData, lang: str, period: str) -> None:
    """Origin regions down, destination regions across, the totals first: the total row
    (each destination's arrivals from the other regions) and the total column (each
    origin's departures to the other regions), both as the marts hold them, and all moves
    between regions in the corner. A pair without moves shows 0 and the diagonal (a region
    with itself is not an interregional move) stays empty."""
    table, matrix, totals = data.table, data.table.matrix, data.axis_totals
    assert matrix is not None and data.axis is not None and totals is not None
    keys = [column.key for column in table.columns]
    row_at, column_at, value_at = (keys.index(matrix.row_key), keys.index(matrix.column_key),
                                   keys.index(matrix.value))
    values = {(row[row_at], row[column_at]): row[value_at] for row in data.rows}
    sheet = workbook.create_sheet(title=table.sheet(lang))
    sheet.cell(row=1, column=1, value=table.title(lang, period)).font = Font(bold=True)
    corner = matrix.corner(lang)
    total = totals.label
    headers = [table.columns[keys.index(matrix.row_key)].header(lang), corner, total,
               *[name for _, name in data.axis]]
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=2, column=index, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(headers[0]), max([len(corner), len(total)] + [len(name) for _, name in data.axis])]
    widths += [12] * (len(data.axis) + 1)
    total_row = [None, total, totals.grand, *totals.columns]
    for col_index, value in enumerate(total_row, start=1):
        cell = sheet.cell(row=3, column=col_index, value=value)
        cell.font = Font(bold=True)
        if col_index > 2:
            cell.number_format = INTEGER_FORMAT
    for row_index, ((origin_code, origin_name), departures) in enumerate(
            zip(data.axis, totals.rows), start=4):
        sheet.cell(row=row_index, column=1, value=origin_code)
        sheet.cell(row=row_index, column=2, value=origin_name).alignment = Alignment(indent=1)
        cell = sheet.cell(row=row_index, column=3, value=departures)
        cell.font = Font(bold=True)
        cell.number_format = INTEGER_FORMAT
        for col_index, (destination_code, _) in enumerate(data.axis, start=4):
            if origin_code == destination_code:
                continue
            cell = sheet.cell(row=row_index, column=col_index,
                              value=values.get((origin_code, destination_code), 0))
            cell.number_format = INTEGER_FORMAT
    sheet.freeze_panes = "C3"
    _set_widths(sheet, widths)


def add_text_sheet(workbook: Workbook, title: str, about: list[tuple[str, str]],
                   entries: list[tuple[str, str | None]]) -> None:
    """Two columns: a term (bold) and its explanation; section headings in bold alone."""
    sheet = workbook.create_sheet(title=title)
    row = 1
    for term, text in [*about, ("", ""), *entries]:
        term_cell = sheet.cell(row=row, column=1, value=term or None)
        if text is None or term in dict(about):
            term_cell.font = Font(bold=True)
        if text:
            sheet.cell(row=row, column=2, value=text).alignment = Alignment(wrap_text=True,
                                                                            vertical="top")
        term_cell.alignment = Alignment(vertical="top")
        row += 1
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100


BANNER_FILL = PatternFill(fill_type="solid", start_color="C00000", end_color="C00000")
BANNER_FONT = Font(bold=True, color="FFFFFF", size=12)


def add_banner(sheet, text: str) -> None:
    """Insert `text` as row 1 of the sheet, bold white on red across the sheet's columns;
    everything below moves down one row, the frozen panes with it."""
    frozen = sheet.freeze_panes
    sheet.insert_rows(1)
    for column in range(1, max(sheet.max_column, 1) + 1):
        sheet.cell(row=1, column=column).fill = BANNER_FILL
    cell = sheet.cell(row=1, column=1, value=text)
    cell.font = BANNER_FONT
    cell.alignment = Alignment(vertical="center")
    sheet.row_dimensions[1].height = 22
    if frozen:
        column, row = coordinate_from_string(frozen)
        sheet.freeze_panes = f"{column}{row + 1}"


def write_workbook(path: Path, tables: list[TableData], lang: str, period: str,
                   text_sheet: tuple[str, list[tuple[str, str]], list[tuple[str, str | None]]],
                   banner: str | None = None) -> None:
    """One sheet per table, then the text sheet; with `banner` (a synthetic release) every
    sheet's first row is the banner (add_banner)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for data in tables:
        if data.table.matrix is not None:
            add_matrix_sheet(workbook, data, lang, period)
        else:
            add_table_sheet(workbook, data, lang, period)
    add_text_sheet(workbook, *text_sheet)
    if banner:
        for sheet in workbook.worksheets:
            add_banner(sheet, banner)
    workbook.save(path)


def write_json(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")
