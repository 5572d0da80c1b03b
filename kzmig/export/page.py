"""The release web page, index.html: the release as one page that opens from disk.

    write_page(path, lang=..., points=..., key_points_markdown=..., data=..., about=...,
               glossary=..., synthetic=..., built=...)

The page holds, in the order of the BNS web release: 1. the key points (the sentences
and figures of key_points.md, the charts, the tables of the release), 2. the dynamic
tables (by year, by month), 3. the glossary, 4. the methodological explanations,
5. useful links (the files of the release, relative links, and the Bureau's site). It
needs no network: no script, no style sheet, font or image from elsewhere; the charts are
inline SVG drawn at export time (kzmig.export.charts). Numbers are those the export read
from the marts (the same TableData as the workbook and the CSV, the same key points as
key_points.md), formatted per language with kzmig.export.formatting; nothing is computed
here. All text is escaped by the template engine (Jinja2, autoescape on); only the SVG
of the charts, which vl-convert writes and escapes itself, goes in as markup (|safe).

One page per export: `kzmig export --lang X` writes index.html in language X, next to the
key points and the workbook in X; a release in three languages is three exports.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import jinja2

from kzmig.export import charts
from kzmig.export.formatting import MINUS, format_decimal, format_integer, format_percent
from kzmig.export.formatting import in_language, month_name, round_half_away_from_zero
from kzmig.export.texts import KeyPoints, synthetic_banner, synthetic_note
from kzmig.export.writers import TableData

PAGE_NAME = "index.html"
TEMPLATES = Path(__file__).parent / "templates"

# The page's own words: one file per language, templates/page_<lang>.toml.
LABELS: dict[str, dict[str, str]] = {
    lang: tomllib.loads((TEMPLATES / f"page_{lang}.toml").read_text(encoding="utf-8"))
    for lang in ("en", "ru", "kk")
}


def labels(lang: str) -> dict[str, str]:
    """The page's words in `lang` ('en', 'ru' or 'kk'); ValueError for any other language."""
    if lang not in LABELS:
        raise ValueError(f"the release page has no words in {lang!r}; it has "
                         + ", ".join(LABELS))
    return LABELS[lang]


# --- cells -------------------------------------------------------------------------------

def cell_text(value: object, kind: str, lang: str) -> str:
    """A table cell as shown: counts grouped per language (25,399 / 25 399), percentages
    with one decimal (halves away from zero), the typographic minus; '–' for no value."""
    if value is None:
        return "–"
    if kind == "int" and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return format_integer(int(value), lang)
    if kind == "pct" and isinstance(value, (int, float, Decimal)):
        rounded = round_half_away_from_zero(value, 1)
        return (MINUS if rounded < 0 else "") + format_decimal(rounded, lang)
    if kind == "month" and isinstance(value, int):
        return month_name(value, lang)
    return str(value)


@dataclass(frozen=True)
class HtmlTable:
    """A table as the template draws it: caption, column headers (and whether each column
    is numeric), rows of (level, cells) where each cell is (text, is_row_header)."""

    key: str
    caption: str
    headers: list[tuple[str, bool]]
    rows: list[tuple[str, list[tuple[str, bool]]]]
    csv: str | None = None


def html_table(data: TableData, lang: str, period: str, words: dict[str, str]) -> HtmlTable:
    """A release table for the page: a matrix (origin down, destination across) for a table
    with table.matrix, as in the workbook, else one row per mart row. The leading text
    columns are the row headers; total and subtotal rows keep their level (bold)."""
    table = data.table
    caption = table.title(lang, period)
    if table.matrix is not None:
        return _matrix_table(data, lang, caption, words)
    leading = 0
    for column in table.columns:
        if column.kind not in ("text", "code"):
            break
        leading += 1
    headers = [(column.header(lang), column.kind not in ("text", "code")) for column in table.columns]
    levels = data.levels or ["item"] * len(data.rows)
    rows = [
        (level, [(cell_text(value, column.kind, lang), index < leading)
                 for index, (column, value) in enumerate(zip(table.columns, row))])
        for row, level in zip(data.rows, levels)
    ]
    return HtmlTable(f"table-{table.name}", caption, headers, rows, f"{table.name}.csv")


def _matrix_table(data: TableData, lang: str, caption: str, words: dict[str, str]) -> HtmlTable:
    table, matrix = data.table, data.table.matrix
    assert matrix is not None and data.axis is not None
    keys = [column.key for column in table.columns]
    row_at, column_at, value_at = (keys.index(matrix.row_key), keys.index(matrix.column_key),
                                   keys.index(matrix.value))
    kind = table.columns[value_at].kind
    values = {(row[row_at], row[column_at]): row[value_at] for row in data.rows}
    totals = data.axis_totals
    total = totals.label
    headers = ([(words["from_to"], False), (total, True)]
               + [(name, True) for _, name in data.axis])
    # the totals first, as in the workbook: arrivals from the other regions (the total
    # row), departures to them (the total column), all moves between regions (the corner)
    rows = [("total", [(total, True), (cell_text(totals.grand, kind, lang), False),
                       *((cell_text(value, kind, lang), False) for value in totals.columns)])]
    for (origin_code, origin_name), departures in zip(data.axis, totals.rows):
        cells = [(origin_name, True), (cell_text(departures, kind, lang), False)]
        for destination_code, _ in data.axis:
            # the diagonal stays empty; a pair without moves shows 0, as in the workbook
            text = "" if origin_code == destination_code else cell_text(
                values.get((origin_code, destination_code), 0), kind, lang)
            cells.append((text, False))
        rows.append(("item", cells))
    return HtmlTable(f"table-{table.name}", caption, headers, rows, f"{table.name}.csv")


# --- the key points, as key_points.md states them ----------------------------------------

def markdown_blocks(text: str) -> list[dict]:
    """The blocks of key_points.md (kzmig.export.texts writes it: headings, paragraphs,
    bullet lists, pipe tables): [{'kind': 'heading', 'level': n, 'text': ...},
    {'kind': 'paragraph', 'text': ...}, {'kind': 'list', 'items': [...]},
    {'kind': 'table', 'header': [...], 'numeric': [bool...], 'rows': [[...]...]}].
    The page shows the same sentences and figures as the file, from one source."""
    blocks: list[dict] = []
    for line in text.splitlines():
        line = line.rstrip()
        previous = blocks[-1] if blocks else None
        if not line:
            blocks.append({"kind": "blank"})
        elif heading := re.match(r"(#{1,6}) (.*)", line):
            blocks.append({"kind": "heading", "level": len(heading.group(1)),
                           "text": heading.group(2)})
        elif line.startswith("- "):
            if previous and previous["kind"] == "list":
                previous["items"].append(line[2:])
            else:
                blocks.append({"kind": "list", "items": [line[2:]]})
        elif line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if previous and previous["kind"] == "table":
                if all(re.fullmatch(r":?-+:?", cell) for cell in cells):
                    previous["numeric"] = [cell.endswith(":") for cell in cells]
                else:
                    previous["rows"].append(cells)
            else:
                blocks.append({"kind": "table", "header": cells, "numeric": [False] * len(cells),
                               "rows": []})
        elif previous and previous["kind"] == "paragraph":
            previous["text"] += " " + line
        else:
            blocks.append({"kind": "paragraph", "text": line})
    blocks = [block for block in blocks if block["kind"] != "blank"]
    # a heading right before a table becomes the table's caption
    for index, block in enumerate(blocks):
        if block["kind"] == "table" and index and blocks[index - 1]["kind"] == "heading":
            block["caption"] = blocks[index - 1]["text"]
            blocks[index - 1]["kind"] = "caption"
    return [block for block in blocks if block["kind"] != "caption"]


# --- the page ----------------------------------------------------------------------------

def release_charts(points: KeyPoints, data: list[TableData], lang: str, period: str
                   ) -> list[charts.Chart]:
    """The five charts of the page, from the release's tables and key points."""
    words = labels(lang)
    by_name = {item.table.name: item for item in data}

    def title_of(name: str) -> str:
        return by_name[name].table.title(lang, period)

    def percent(value: float | None) -> str:
        return format_percent(value, lang) or words["not_available"]

    monthly = by_name["external_migration_monthly"]
    months = [f"{row['year']:04d}-{row['month']:02d}" for row in charts.records(monthly)]
    regions = ", ".join(f"{name} ({format_integer(net, lang)})"
                        for name, net in points.positive_regions) or words["none"]
    countries = by_name["external_migration_by_country"]
    top = charts.top_country_rows(countries)
    return [
        charts.monthly_flows(
            monthly, words, lang, words["chart_monthly"].format(period=period),
            words["alt_monthly"].format(first=months[0] if months else "",
                                        last=months[-1] if months else "",
                                        table=title_of("external_migration_monthly"))),
        charts.net_by_region(
            by_name["migration_by_region"], words, lang,
            words["chart_regions"].format(period=period),
            words["alt_regions"].format(regions=regions, table=title_of("migration_by_region"))),
        charts.country_groups(
            countries, words, lang, words["chart_cis"].format(period=period),
            words["alt_cis"].format(arrivals=percent(points.cis_arrivals_share_pct),
                                    departures=percent(points.cis_departures_share_pct))),
        charts.top_countries(
            countries, words, lang, words["chart_countries"].format(n=len(top), period=period),
            words["alt_countries"].format(n=len(top),
                                          countries=", ".join(row["country_name"] for row in top),
                                          table=title_of("external_migration_by_country"))),
        charts.ethnic_structure(
            by_name["external_migration_by_ethnic_group"], words, lang,
            words["chart_ethnic"].format(period=period),
            words["alt_ethnic"].format(table=title_of("external_migration_by_ethnic_group"))),
    ]


def _split_glossary(entries: list[tuple[str, str | None]]) -> tuple[list, list]:
    """texts.GLOSSARY[lang]: (heading, None) opens a part; the first part is the glossary,
    the second the methodological notes. Returns their (term, text) entries."""
    parts: list[list[tuple[str, str]]] = []
    for term, text in entries:
        if text is None:
            parts.append([])
        elif parts:
            parts[-1].append((term, text))
    while len(parts) < 2:
        parts.append([])
    return parts[0], [entry for part in parts[1:] for entry in part]


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def page_html(*, lang: str, points: KeyPoints, key_points_markdown: str, data: list[TableData],
              period: str, about: list[tuple[str, str]], glossary: list[tuple[str, str | None]],
              synthetic: bool) -> str:
    """The page as a string. lang: 'en', 'ru' or 'kk' (ValueError otherwise);
    key_points_markdown: the text of key_points.md; data: the release's tables in the
    order of tables.TABLES (those named in release_charts must be there, KeyError
    otherwise); about: (label, value) rows on the release; glossary: texts.GLOSSARY[lang];
    synthetic: show the banner saying the figures come from a synthetic world (the words of
    texts.synthetic_banner and texts.synthetic_note, as every other output)."""
    words = labels(lang)
    banner = f"{synthetic_banner(lang)} {synthetic_note(lang)}" if synthetic else None
    blocks = markdown_blocks(key_points_markdown)
    title = next((block["text"] for block in blocks
                  if block["kind"] == "heading" and block["level"] == 1), period)
    # before the first second-level heading: the title and the line on the release;
    # the first second-level heading is the page's own "Key points"
    first_section = next((index for index, block in enumerate(blocks)
                          if block["kind"] == "heading" and block["level"] == 2), len(blocks))
    intro = [block for block in blocks[:first_section] if block["kind"] == "paragraph"]
    key_points = blocks[first_section + 1:]
    tables = [html_table(item, lang, period, words) for item in data]
    release_tables = [table for table, item in zip(tables, data) if not item.table.dynamic]
    dynamic = [(table, item) for table, item in zip(tables, data) if item.table.dynamic]
    by_month = [table for table, item in dynamic
                if any(column.key == "month" for column in item.table.columns)]
    by_year = [table for table, item in dynamic if table not in by_month]
    glossary_entries, methodology_entries = _split_glossary(glossary)
    files = [(words["file_key_points"], "key_points.md"), (words["file_workbook"], "release.xlsx"),
             *[(f"{table.caption} ({words['csv']})", table.csv) for table in tables],
             (words["file_json"], "release.json")]
    figures = release_charts(points, data, lang, period)
    return _environment().get_template("release_page.html.j2").render(
        lang=lang, words=words, title=title, intro=intro, key_points=key_points,
        about=about, synthetic=synthetic, banner=banner, figures=figures, release_tables=release_tables,
        by_year=by_year, by_month=by_month, glossary=glossary_entries,
        methodology=methodology_entries, files=files)


def write_page(path: Path, **arguments) -> None:
    """Write page_html(**arguments) to path (UTF-8)."""
    path.write_text(page_html(**arguments), encoding="utf-8")
