"""The release web page, index.html: the release as BNS lays out its web release.

    write_page(path, lang=..., points=..., key_points_markdown=..., data=..., period=...,
               built=..., years=..., glossary=..., synthetic=...)

1. key points (the sentences and figures of the key points, the charts, the release's main
tables; the people's tables summed up, in full in the workbook and the CSVs), 2. dynamic
tables (by year, by month), 3. glossary, 4. methodological explanations, 5. useful links.
It needs no network (no script, no resource from elsewhere; the charts are inline SVG,
kzmig.export.charts). Readers see labels only: code columns, the releases the dynamic
tables' years come from (said once, above) and columns with one value in every row (said
once, under their table) stay in the CSVs. Wide tables are laid out to fit a 1,280-px
window and an A4 page: headers "Group: column" become two header rows, a dynamic table of
a few years with many columns is transposed, a long one pivoted (PIVOTS). Every number
and date is in the language's format (Babel); nothing is computed here. Jinja2 escapes
every text; only the charts' SVG, which vl-convert escapes, goes in as markup.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import jinja2
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from kzmig.export import charts
from kzmig.export.formatting import LOCALES, MINUS, format_decimal, format_integer
from kzmig.export.formatting import format_percent, month_name, period_label
from kzmig.export.formatting import round_half_away_from_zero
from kzmig.export.tables import SUPPRESSED
from kzmig.export.texts import KeyPoints, synthetic_banner, synthetic_note
from kzmig.export.writers import TableData

PAGE_NAME = "index.html"
TEMPLATES = Path(__file__).parent / "templates"

# The page's own words: one file per language, templates/page_<lang>.toml.
LABELS: dict[str, dict] = {
    lang: tomllib.loads((TEMPLATES / f"page_{lang}.toml").read_text(encoding="utf-8"))
    for lang in ("en", "ru", "kk")
}
# The people's tables: summed up on the page, in full in the workbook and the CSV files.
DETAIL = ("migration_by_sex_and_age", "migration_by_sex_and_working_age",
          "migration_by_reason", "external_migration_by_citizenship")
# Long dynamic tables, pivoted: table -> (the column across, the values shown, the column
# that splits it into a table each); the other columns are in the CSV and the workbook.
PIVOTS = {
    "external_migration_by_country_annual": ("year", ("arrivals", "departures",
                                                      "net_migration"), None),
    "net_migration_by_region_annual": ("year", ("net_migration", "external_net",
                                                "interregional_net"), None),
    "net_migration_by_region_monthly": ("month", ("net_migration",), "year"),
}
HIDDEN = ("source_release_id", "country_group")  # said by the page otherwise
RELEASE_ID = re.compile(r"(\d{4})-(\d{2})-([pr])")


def labels(lang: str) -> dict:
    """The page's words in `lang` ('en', 'ru' or 'kk'); ValueError for any other language."""
    if lang not in LABELS:
        raise ValueError(f"the release page has no words in {lang!r}; it has "
                         + ", ".join(LABELS))
    return LABELS[lang]


# --- cells -------------------------------------------------------------------------------

def date_text(value: object, lang: str) -> str:
    """A date or a time as the language writes it (Babel, long form): 1 января 2023 г."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    text = babel_dates.format_date(value, "long", locale=LOCALES[lang])
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        text += ", " + babel_dates.format_time(value, "medium", locale=LOCALES[lang])
    return text


def release_label(release_id: str, lang: str) -> str:
    """'2022-12-p' -> 'January–December 2022, preliminary' (a release by its period)."""
    match = RELEASE_ID.fullmatch(release_id)
    if not match:
        return release_id
    vintage = labels(lang)["vintages"]["preliminary" if match[3] == "p" else "revised"]
    return f"{period_label(int(match[1]), int(match[2]), lang)}, {vintage}"


def cell_text(value: object, kind: str, lang: str, key: str = "") -> str:
    """A cell as shown: counts grouped per language (25,399 / 25 399), an average
    population with its decimal, percentages with one decimal (halves away from zero),
    the typographic minus, months by name, dates in words; '–' for no value."""
    if value is None:
        return "–"
    if kind == "int" and isinstance(value, (int, float, Decimal)) and value != int(value):
        return (MINUS if value < 0 else "") + babel_numbers.format_decimal(
            abs(Decimal(str(value))), format="#,##0.#", locale=LOCALES[lang])
    if kind == "int" and isinstance(value, (int, float, Decimal)):
        return format_integer(int(value), lang)
    if kind == "pct" and isinstance(value, (int, float, Decimal)):
        rounded = round_half_away_from_zero(value, 1)
        return (MINUS if rounded < 0 else "") + format_decimal(rounded, lang)
    if kind == "month" and isinstance(value, int):
        return month_name(value, lang)
    if key.endswith(("_date", "_at")) and value != SUPPRESSED:
        return date_text(value, lang)
    if key.endswith("release_id"):
        return release_label(str(value), lang)
    return str(value)


@dataclass(frozen=True)
class HtmlTable:
    """A table as the template draws it: caption, header rows of (text, colspan, rowspan,
    numeric), body rows of (level, cells) with each cell (text, is_row_header, numeric),
    notes under it (a column with one value in every row), its CSV; `kind`: 'matrix',
    'wide' (many columns: smaller type) or ''."""

    key: str
    caption: str
    header_rows: list[list[tuple[str, int, int, bool]]]
    rows: list[tuple[str, list[tuple[str, bool, bool]]]]
    csv: str | None = None
    notes: list[str] = field(default_factory=list)
    kind: str = ""


def header_rows(headers: list[tuple[str, bool]]) -> list[list[tuple[str, int, int, bool]]]:
    """Headers 'External: arrivals', 'External: departures' as two rows: 'External' over
    'arrivals' and 'departures' (the others span both rows)."""
    if not any(": " in text for text, _ in headers):
        return [[(text, 1, 1, numeric) for text, numeric in headers]]
    top: list[list] = []
    bottom = []
    for text, numeric in headers:
        group, _, sub = text.rpartition(": ")
        if not group:
            top.append([sub, 1, 2, numeric])
            continue
        if top and top[-1][0] == group and top[-1][2] == 1:
            top[-1][1] += 1
        else:
            top.append([group, 1, 1, True])
        bottom.append((sub[:1].upper() + sub[1:], 1, 1, numeric))
    return [[tuple(cell) for cell in top], bottom]


def _build(data: TableData, caption: str, headers: list[tuple[str, bool]], rows, lang: str,
           kind: str = "", notes: list[str] | None = None, key: str = "") -> HtmlTable:
    return HtmlTable(key or f"table-{data.table.name}", caption, header_rows(headers), rows,
                     f"{data.table.name}.csv", notes or [],
                     kind or ("wide" if len(headers) > 9 else ""))


def html_tables(data: TableData, lang: str, period: str, words: dict) -> list[HtmlTable]:
    """A release table as the page shows it (one table, or one per year of a split pivot)."""
    table = data.table
    caption = table.title(lang, period)
    if table.matrix is not None:
        return [_matrix_table(data, lang, caption, words)]
    levels = data.levels or ["item"] * len(data.rows)
    shown = [(at, column) for at, column in enumerate(table.columns)
             if not column.key.endswith("_code") and column.key not in HIDDEN]
    if table.name in PIVOTS:
        return _pivot_tables(data, lang, caption, levels)
    notes = []
    if len(data.rows) > 1:  # a column with one value in every row: said once, under the table
        for at, column in list(shown):
            values = {row[at] for row in data.rows}
            if column.kind == "text" and len(values) == 1 and column.key != table.label:
                shown.remove((at, column))
                if data.rows[0][at] is None:
                    continue
                notes.append(f"{column.header(lang)}: "
                             f"{cell_text(data.rows[0][at], column.kind, lang, column.key)}")
    texts = [[cell_text(row[at], column.kind, lang, column.key) for at, column in shown]
             for row in data.rows]
    if table.dynamic and len(shown) > 10 and len(data.rows) <= 8:  # transposed: years across
        years = [row[0] for row in texts]
        rows = [("item", [(column.header(lang), True, False)]
                 + [(row[index], False, True) for row in texts])
                for index, (_, column) in enumerate(shown) if index]
        return [_build(data, caption, [(shown[0][1].header(lang), False)]
                       + [(year, True) for year in years], rows, lang, notes=notes)]
    lead = next((index for index, (_, column) in enumerate(shown) if column.kind != "text"),
                len(shown))
    rows = [(level, [(text, index < lead, column.kind != "text")
                     for index, (text, (_, column)) in enumerate(zip(cells, shown))])
            for cells, level in zip(texts, levels)]
    return [_build(data, caption, [(column.header(lang), column.kind != "text")
                                   for _, column in shown], rows, lang, notes=notes)]


def _pivot_tables(data: TableData, lang: str, caption: str, levels: list[str]
                  ) -> list[HtmlTable]:
    """PIVOTS: rows by the table's label column, the values of each `across` value side by
    side ('2023: Arrivals'), one table per value of `split`."""
    table = data.table
    across, values, split = PIVOTS[table.name]
    by_key = {column.key: (at, column) for at, column in enumerate(table.columns)}
    label_at = by_key[table.label][0]
    parts: dict[object, list[tuple[tuple, str]]] = {}
    for row, level in zip(data.rows, levels):
        parts.setdefault(row[by_key[split][0]] if split else None, []).append((row, level))
    result = []
    for part, rows in parts.items():
        heads = list(dict.fromkeys(row[by_key[across][0]] for row, _ in rows))
        lines: dict[str, tuple[str, dict]] = {}
        for row, level in rows:
            lines.setdefault(row[label_at], (level, {}))[1][row[by_key[across][0]]] = row
        headers = [(by_key[table.label][1].header(lang), False)] + [
            ((cell_text(head, by_key[across][1].kind, lang) + (
                f": {by_key[value][1].header(lang)}" if len(values) > 1 else "")), True)
            for head in heads for value in values]
        body = [(level, [(label, True, False)] + [
            (cell_text(cells[head][by_key[value][0]] if head in cells else None,
                       by_key[value][1].kind, lang), False, True)
            for head in heads for value in values]) for label, (level, cells) in lines.items()]
        name = f"{caption}, {part}" if split else caption
        result.append(_build(data, name, headers, body, lang,
                             key=f"table-{table.name}" + (f"-{part}" if split else "")))
    return result


def _matrix_table(data: TableData, lang: str, caption: str, words: dict) -> HtmlTable:
    table, matrix = data.table, data.table.matrix
    assert matrix is not None and data.axis is not None and data.axis_totals is not None
    keys = [column.key for column in table.columns]
    row_at, column_at, value_at = (keys.index(matrix.row_key), keys.index(matrix.column_key),
                                   keys.index(matrix.value))
    kind = table.columns[value_at].kind
    values = {(row[row_at], row[column_at]): row[value_at] for row in data.rows}
    totals = data.axis_totals
    headers = ([(words["from_to"], False), (totals.label, True)]
               + [(name, True) for _, name in data.axis])
    # the totals first, as in the workbook: arrivals from the other regions (the total
    # row), departures to them (the total column), all moves between regions (the corner)
    rows = [("total", [(totals.label, True, False)] + [
        (cell_text(value, kind, lang), False, True) for value in (totals.grand, *totals.columns)])]
    for (origin, origin_name), departures in zip(data.axis, totals.rows):
        # the diagonal stays empty; a pair without moves shows 0, as in the workbook
        rows.append(("item", [(origin_name, True, False), (cell_text(departures, kind, lang),
                                                          False, True)] + [
            ("" if origin == destination else cell_text(values.get((origin, destination), 0),
                                                        kind, lang), False, True)
            for destination, _ in data.axis]))
    return _build(data, caption, headers, rows, lang, kind="matrix")


def detail_summary(data: TableData, lang: str, period: str) -> dict:
    """A people's table on the page: its title, its sheet and CSV, and what it holds (the
    labels of its text columns, or how many there are)."""
    table = data.table
    holds = []
    for at, column in enumerate(table.columns):
        if column.kind != "text" or column.key.endswith("_code") or column.key == "region_name":
            continue
        names = list(dict.fromkeys(row[at] for row in data.rows if row[at] is not None))
        holds.append((column.header(lang), ", ".join(map(str, names)) if len(names) <= 20
                      else labels(lang)["count"].format(n=format_integer(len(names), lang))))
    return {"title": table.title(lang, period), "sheet": table.sheet(lang),
            "csv": f"{table.name}.csv", "holds": holds}


# --- the key points: the one place that reads key_points.md ------------------------------

def key_points_content(markdown: str) -> tuple[list[str], list[list[str]]]:
    """The sentences of the key points (the list under the first '## ' heading) and the
    rows of the first table (the key figures: name, value) of key_points.md."""
    sentences, figures, section = [], [], 0
    for line in markdown.splitlines():
        section += line.startswith("#")
        if section == 2 and line.startswith("- "):
            sentences.append(line[2:])
        elif section == 3 and line.startswith("|") and not re.fullmatch(r"[|:\- ]+", line):
            figures.append([cell.strip() for cell in line.strip("| ").split("|")])
    return sentences, figures[1:]


# --- the page ----------------------------------------------------------------------------

def release_charts(points: KeyPoints, data: list[TableData], lang: str, period: str
                   ) -> list[charts.Chart]:
    """The five charts of the page, from the release's tables and key points."""
    words = labels(lang)
    by_name = {item.table.name: item for item in data}

    def title_of(name: str) -> str:
        return by_name[name].table.title(lang, period)

    monthly = by_name["external_migration_monthly"]
    months = [month_name(row["month"], lang) + f" {row['year']}"
              for row in charts.records(monthly)]
    regions = ", ".join(f"{name} ({format_integer(net, lang)})"
                        for name, net in points.positive_regions) or words["none"]
    countries = by_name["external_migration_by_country"]
    top = charts.top_country_rows(countries)
    shares = {key: format_percent(value, lang) or words["not_available"] for key, value in
              (("arrivals", points.cis_arrivals_share_pct),
               ("departures", points.cis_departures_share_pct))}
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
        charts.country_groups(countries, words, lang, words["chart_cis"].format(period=period),
                              words["alt_cis"].format(**shares)),
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
    the others the methodological notes. Returns their (term, text) entries."""
    parts: list[list[tuple[str, str]]] = [[], []]
    opened = 0
    for term, text in entries:
        if text is None:
            opened += 1
        elif opened:
            parts[min(opened, 2) - 1].append((term, text))
    return parts[0], parts[1]


def page_html(*, lang: str, points: KeyPoints, key_points_markdown: str, data: list[TableData],
              period: str, built: dt.datetime, years: list[dict],
              glossary: list[tuple[str, str | None]], synthetic: bool) -> str:
    """The page as a string. lang: 'en', 'ru' or 'kk' (ValueError otherwise);
    key_points_markdown: the text of key_points.md; data: the release's tables in the
    order of tables.TABLES (those named in release_charts must be there, KeyError
    otherwise); built: when the figures were built (UTC); years: the years of the dynamic
    tables with the vintage of each one's figures (year, source_vintage, months_covered);
    glossary: texts.GLOSSARY[lang]; synthetic: show the synthetic-data banner."""
    words = labels(lang)
    sentences, figures = key_points_content(key_points_markdown)
    about = [(words["release"], points.release_id), (words["period"], period),
             (words["vintage"], words["vintages"][points.vintage]),
             (words["cutoff"], date_text(points.cutoff_at, lang)),
             (words["built"], date_text(built, lang)),
             (words["years_from"], "; ".join(
                 f"{year['year']}: {words['vintages'][year['source_vintage']]}"
                 + ("" if year["months_covered"] == 12 else
                    f" ({words['months'].format(n=year['months_covered'])})")
                 for year in years))]
    main = [item for item in data if not item.table.dynamic and item.table.name not in DETAIL]
    dynamic = [item for item in data if item.table.dynamic]
    monthly = [item for item in dynamic if any(c.key == "month" for c in item.table.columns)]
    glossary_entries, methodology_entries = _split_glossary(glossary)
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    ).get_template("release_page.html.j2").render(
        lang=lang, words=words, title=words["title"].format(period=period), about=about,
        banner=f"{synthetic_banner(lang)} {synthetic_note(lang)}" if synthetic else None,
        sentences=sentences, figures=figures,
        charts=release_charts(points, data, lang, period),
        release_tables=[t for item in main for t in html_tables(item, lang, period, words)],
        detail=[detail_summary(item, lang, period) for item in data
                if item.table.name in DETAIL],
        by_year=[t for item in dynamic if item not in monthly
                 for t in html_tables(item, lang, period, words)],
        by_month=[t for item in monthly for t in html_tables(item, lang, period, words)],
        glossary=glossary_entries, methodology=methodology_entries,
        files=[(words["file_workbook"], "release.xlsx"),
               (words["file_key_points"], "key_points.md"),
               (words["file_json"], "release.json"),
               *[(item.table.title(lang, period), f"{item.table.name}.csv") for item in data]])


def write_page(path: Path, **arguments) -> None:
    """Write page_html(**arguments) to path (UTF-8)."""
    path.write_text(page_html(**arguments), encoding="utf-8")
