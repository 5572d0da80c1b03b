"""Writing a release's CSV files, workbook (as BNS's spreadsheets; DEVELOPERS.md) and
release.json."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kzmig.export.formatting import month_name
from kzmig.export.tables import Table, header_rows
from kzmig.export.texts import release_label

CSV_ENCODING = "utf-8-sig"  # with a byte-order mark, so that spreadsheet programs read Cyrillic
INTEGER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0"
PLAIN_NUMBER_FORMAT = "0"
DATE_FORMAT = {"en": "d mmmm yyyy", "ru": "dd.mm.yyyy", "kk": "dd.mm.yyyy"}
MAX_WIDTH = 60
HEADER_WIDTH = 16  # a header wraps within this many characters unless its figures are wider
LINE_HEIGHT = 15  # points per line of 11-point text
BOLD = Font(bold=True)
WRAPPED = Alignment(wrap_text=True, vertical="center", horizontal="center")
BANNER_FILL = PatternFill(fill_type="solid", start_color="C00000", end_color="C00000")
BANNER_FONT = Font(bold=True, color="FFFFFF", size=12)


@dataclass
class TableData:
    table: Table
    rows: list[tuple]  # in the order of table.columns
    levels: list[str] | None = None  # per row: 'total', 'subtotal' or 'item'
    # a matrix: heads (total, regions), rows (level, code, label, values: None on the diagonal)
    grid: tuple[list[str], list[tuple[str, str | None, str, list]]] | None = None

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


def _lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide."""
    return sum(max(1, math.ceil(len(part) * 1.1 / max(width - 1, 1))) for part in str(text).split("\n"))


def _cell(sheet, row: int, column: int, value: object, kind: str, lang: str, unit: str = ""):
    """Write a value as the sheet shows it: a month by name, a date as a date, number formats."""
    if isinstance(value, Decimal):
        value = float(value)
    if kind == "month" and isinstance(value, int):
        value = month_name(value, lang)
    cell = sheet.cell(row=row, column=column, value=value)
    if value is None or isinstance(value, str):
        return cell
    if kind == "date":
        cell.number_format = DATE_FORMAT[lang]
    elif kind == "int" or (kind == "figure" and unit != "pct"):
        cell.number_format = INTEGER_FORMAT
    elif kind in ("pct", "figure"):
        cell.number_format = PERCENT_FORMAT
    elif isinstance(value, int):
        cell.number_format = PLAIN_NUMBER_FORMAT  # years
    return cell


def _longest_word(column, lang: str) -> int:
    """A header wraps between words: its column is as wide as its (or its group's) longest word."""
    return max(len(word) for word in f"{column.header(lang)} {column.group(lang) or ''}".split())


def _shown_width(value: object, kind: str) -> int:
    if value is None:
        return 0
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return len(f"{value:,.1f}" if kind in ("pct", "figure") else f"{value:,}")
    return 10 if isinstance(value, dt.date) else len(str(value))


def _headers(sheet, top: int, headers: list[tuple[str | None, str]], widths: list[float]) -> int:
    """The header rows from row `top`, merged as the page's (header_rows); returns how many."""
    two = any(group for group, _ in headers)
    for index, (group, header) in enumerate(headers, start=1):
        for row, text in ((top, group or header), (top + 1, header)) if two else ((top, header),):
            cell = sheet.cell(row=row, column=index, value=text)
            cell.font, cell.alignment = BOLD, WRAPPED
    start = 1
    for _, columns, rows, _ in header_rows([(*head, False) for head in headers])[0]:
        if columns > 1 or rows > 1:
            sheet.merge_cells(start_row=top, start_column=start, end_row=top + rows - 1,
                              end_column=start + columns - 1)
        start += columns
    # the lines of each row's texts (a header merged over both rows: half in each)
    span = {group: sum(width for (other, _), width in zip(headers, widths) if other == group)
            for group, _ in headers}
    lines = [(_lines(group, span[group]), _lines(header, width)) if group
             else (math.ceil(_lines(header, width) / (2 if two else 1)),) * 2
             for (group, header), width in zip(headers, widths)]
    for offset in range(2 if two else 1):
        sheet.row_dimensions[top + offset].height = LINE_HEIGHT * max(
            line[offset] for line in lines) + 4
    return 2 if two else 1


def _frame(sheet, top: int, title: str, widths: list[float], header_rows: int, frozen: int,
           banner: str | None) -> None:
    """Title row, column widths, frozen panes, a synthetic release's banner, print set-up."""
    if banner:
        for column in range(1, len(widths) + 1):
            sheet.cell(row=1, column=column).fill = BANNER_FILL
        cell = sheet.cell(row=1, column=1, value=banner)
        cell.font, cell.alignment = BANNER_FONT, Alignment(vertical="center")
        sheet.row_dimensions[1].height = 22
    if title:
        cell = sheet.cell(row=top, column=1, value=title)
        cell.font, cell.alignment = Font(bold=True, size=12), Alignment(wrap_text=True, vertical="top")
        if len(widths) > 1:
            sheet.merge_cells(start_row=top, start_column=1, end_row=top, end_column=len(widths))
        sheet.row_dimensions[top].height = 17 * _lines(title, sum(widths) * 0.9) + 4
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if header_rows:
        sheet.freeze_panes = f"{get_column_letter(frozen + 1)}{top + 1 + header_rows}"
        sheet.print_title_rows = f"{top}:{top + header_rows}"
    setup = sheet.page_setup
    setup.orientation, setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4


def add_table_sheet(workbook: Workbook, data: TableData, lang: str, period: str,
                    banner: str | None = None) -> None:
    """The title, the header rows (frozen), then one row per release table row."""
    table = data.table
    keys = [column.key for column in table.columns]
    columns = [column for column in table.columns if column.kind != "code"]
    units = [row[keys.index("unit_code")] if "unit_code" in keys else "" for row in data.rows]
    rows = [[release_label(row[keys.index(column.key)], lang)  # a release by its period
             if column.key.endswith("release_id") and row[keys.index(column.key)]
             else row[keys.index(column.key)] for column in columns] for row in data.rows]
    sheet = workbook.create_sheet(title=table.sheet(lang))
    top = 2 if banner else 1
    widths = [min(max(*(_shown_width(row[at], column.kind) for row in rows), 0,
                      min(len(column.header(lang)), HEADER_WIDTH), _longest_word(column, lang), 8)
                  + 3, MAX_WIDTH) for at, column in enumerate(columns)]
    header_rows = _headers(sheet, top + 1, [(column.group(lang), column.header(lang))
                                            for column in columns], widths)
    first = top + 1 + header_rows
    for offset, (row, unit) in enumerate(zip(rows, units)):
        level = data.level(offset)
        lines = max([_lines(value, width) for value, width, column in zip(row, widths, columns)
                     if column.kind == "text" and value and width >= MAX_WIDTH] + [1])
        if lines > 1:  # a long label wraps: the row as high as its lines
            sheet.row_dimensions[first + offset].height = LINE_HEIGHT * lines + 2
        for position, (value, column) in enumerate(zip(row, columns), start=1):
            cell = _cell(sheet, first + offset, position, value, column.kind, lang, unit)
            if level != "item":
                cell.font = BOLD
            text = column.kind in ("text", "month")
            cell.alignment = Alignment(  # a withheld count's x under the numbers, text apart
                vertical="top", horizontal=None if text else "right",
                indent=int((level == "item" and column.key == table.label) or (text and position > 1)),
                wrap_text=text and widths[position - 1] >= MAX_WIDTH)
    leading = next((i for i, column in enumerate(columns) if column.kind != "text"), len(columns))
    _frame(sheet, top, table.title(lang, period), widths, header_rows, min(leading, 2), banner)


def add_matrix_sheet(workbook: Workbook, data: TableData, lang: str, period: str,
                     banner: str | None = None) -> None:
    """Origin regions down, destination regions across, the totals first (data.grid)."""
    table, (heads, grid) = data.table, data.grid
    sheet = workbook.create_sheet(title=table.sheet(lang))
    top = 2 if banner else 1
    corner, code = table.matrix.corner(lang), table.columns[0].header(lang)
    widths = [10.0, float(min(max(map(len, [corner, *heads])) + 2, MAX_WIDTH))
              ] + [12.0] * len(heads)
    _headers(sheet, top + 1, [(None, head) for head in [code, corner, *heads]], widths)
    for column in range(3, len(heads) + 3):  # the regions across, written upwards
        sheet.cell(row=top + 1, column=column).alignment = Alignment(
            text_rotation=90, wrap_text=True, vertical="bottom", horizontal="center")
    sheet.row_dimensions[top + 1].height = 6.5 * min(max(map(len, heads)), 40) + 10
    for row, (level, code, label, values) in enumerate(grid, start=top + 2):
        sheet.cell(row=row, column=1, value=code)
        sheet.cell(row=row, column=2, value=label).alignment = Alignment(indent=level == "item")
        for column, value in enumerate(values, start=3):
            cell = _cell(sheet, row, column, value, "int", lang)
            if level == "total" or column == 3:  # the totals
                cell.font = BOLD
    _frame(sheet, top, table.title(lang, period), widths, 1, 2, banner)


def add_text_sheet(workbook: Workbook, title: str, about: list[tuple[str, str]],
                   entries: list[tuple[str, str | None]], banner: str | None = None) -> None:
    """Two columns: a term (bold) and its explanation; section headings in bold alone."""
    sheet = workbook.create_sheet(title=title)
    row = 2 if banner else 1
    for term, text in [*about, ("", ""), *entries]:
        term_cell = sheet.cell(row=row, column=1, value=term or None)
        term_cell.alignment = Alignment(vertical="top", wrap_text=True)
        if text is None or term in dict(about):
            term_cell.font = BOLD
        if text:
            sheet.cell(row=row, column=2, value=text).alignment = Alignment(wrap_text=True,
                                                                            vertical="top")
        lines = max(_lines(text or "", 100), _lines(term or "", 30))
        sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 2
        row += 1
    _frame(sheet, 0, "", [30, 100], 0, 0, banner)


def write_workbook(path: Path, tables: list[TableData], lang: str, period: str,
                   text_sheet: tuple[str, list[tuple[str, str]], list[tuple[str, str | None]]],
                   banner: str | None = None) -> None:
    """One sheet per table, then the text sheet; `banner`: every sheet's first row."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for data in tables:
        add = add_matrix_sheet if data.table.matrix is not None else add_table_sheet
        add(workbook, data, lang, period, banner)
    add_text_sheet(workbook, *text_sheet, banner=banner)
    workbook.save(path)


def write_json(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")
