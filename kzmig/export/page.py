"""The release web page, index.html, laid out as BNS's web release (DEVELOPERS.md): nothing
computed; to fit 1,280 px and A4 a wide dynamic table is transposed or pivoted (PIVOTS)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import jinja2

from kzmig.export import charts
from kzmig.export.formatting import (MINUS, TEMPLATES, format_date, format_datetime,
                                     format_decimal, format_integer, format_percent,
                                     month_name, round_half_away_from_zero)
from kzmig.export.tables import SUPPRESSED, header_rows
from kzmig.export.texts import (KeyPoints, key_point_sentences, release_label,
                                synthetic_banner, synthetic_note, vintage_name)
from kzmig.export.texts import words as export_words
from kzmig.export.writers import TableData

PAGE_NAME = "index.html"

LABELS: dict[str, dict] = {lang: export_words(lang, "page") for lang in ("en", "ru", "kk")}
# The people's tables: summed up on the page, in full in the workbook and the CSV files.
DETAIL = ("migration_by_sex_and_age", "migration_by_sex_and_working_age",
          "migration_by_reason", "external_migration_by_citizenship")
# Long dynamic tables pivoted: table -> (the column across, the values shown, split by).
FLOWS, NETS = ("arrivals", "departures", "net_migration"), ("net_migration", "external_net_migration",
                                                            "interregional_net")
PIVOTS = {"external_migration_by_country_annual": ("year", FLOWS, None),
          "net_migration_by_region_annual": ("year", NETS, None),
          "net_migration_by_region_monthly": ("month", ("net_migration",), "year")}
HIDDEN = ("source_release_id", "country_group")  # said by the page otherwise
NUMBERS = ("int", "pct")


def labels(lang: str) -> dict:
    """The page's words in `lang` ('en', 'ru' or 'kk'); ValueError for any other language."""
    if lang not in LABELS:
        raise ValueError(f"the release page has no words in {lang!r}; it has {', '.join(LABELS)}")
    return LABELS[lang]


def date_text(value: object, lang: str) -> str:
    """A date (or an ISO text of one) in the language's long form, a time with it."""
    value = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    timed = isinstance(value, dt.datetime) and value.time() != dt.time()
    return (format_datetime if timed else format_date)(value, lang)


def cell_text(value: object, kind: str, lang: str, key: str = "") -> str:
    """A cell as shown per language (numbers, months, dates, a release by its period and
    vintage); '–' for no value."""
    if value is None:
        return "–"
    if kind == "int" and isinstance(value, (int, float, Decimal)):
        return format_integer(value, lang)
    if kind == "pct" and isinstance(value, (int, float, Decimal)):
        rounded = round_half_away_from_zero(value, 1)
        return (MINUS if rounded < 0 else "") + format_decimal(rounded, lang)
    if kind == "month" and isinstance(value, int):
        return month_name(value, lang)
    if kind == "date" and value != SUPPRESSED:
        return date_text(value, lang)
    return release_label(value, lang) if key.endswith("release_id") else str(value)


@dataclass(frozen=True)
class HtmlTable:
    """What the template draws; kind 'matrix', 'wide' or ''."""
    key: str
    caption: str
    header_rows: list[list[tuple[str, int, int, bool]]]
    rows: list[tuple[str, list[tuple[str, bool, bool]]]]
    csv: str | None = None
    notes: list[str] = field(default_factory=list)
    kind: str = ""


def _build(data: TableData, caption: str, headers: list[tuple[str | None, str, bool]], rows,
           kind: str = "", notes: list[str] | None = None, key: str = "") -> HtmlTable:
    return HtmlTable(key or f"table-{data.table.name}", caption, header_rows(headers), rows,
                     f"{data.table.name}.csv", notes or [],
                     kind or ("wide" if len(headers) > 9 else ""))


def html_tables(data: TableData, lang: str, period: str, words: dict) -> list[HtmlTable]:
    """A release table as the page shows it (one table, or one per year of a split pivot)."""
    table = data.table
    caption = table.title(lang, period)
    if not data.rows or table.matrix is not None:  # a table without rows: its caption, a note
        return [_matrix_table(data, lang, caption, words) if data.rows else
                _build(data, caption, [], [], notes=[words["no_rows"]])]
    shown = [(at, column) for at, column in enumerate(table.columns)
             if not column.key.endswith("_code") and column.key not in HIDDEN]
    if table.name in PIVOTS:
        return _pivot_tables(data, lang, caption)
    notes = []
    for at, column in list(shown):  # a column with one value in every row: said once, below
        values = {row[at] for row in data.rows} if column.key != table.label else ()
        if len(data.rows) > 1 == len(values) and column.kind == "text":
            shown.remove((at, column))
            notes += [f"{column.header(lang)}: {cell_text(*values, 'text', lang, column.key)}"
                      ] if values != {None} else []
    texts = [[cell_text(row[at], column.kind, lang, column.key) for at, column in shown]
             for row in data.rows]
    if table.dynamic and len(shown) > 10 and len(data.rows) <= 8:  # transposed: years across
        return [_grid(data, caption, shown[0][1].header(lang),
                      [(None, row[0]) for row in texts], [
            ("item", column.header(lang), [row[index] for row in texts], column.kind in NUMBERS)
            for index, (_, column) in enumerate(shown) if index], "text", lang, notes=notes)]
    lead = next((index for index, (_, column) in enumerate(shown)
                 if column.kind not in ("text", "code", "date", "month")), len(shown))
    rows = [(level, [(text, index < lead, column.kind in NUMBERS)
                     for index, (text, (_, column)) in enumerate(zip(cells, shown))])
            for cells, level in zip(texts, data.levels or ["item"] * len(data.rows))]
    headers = [(column.group(lang), column.header(lang), column.kind in NUMBERS)
               for _, column in shown]
    return [_build(data, caption, headers, rows, notes=notes)]


def _grid(data: TableData, caption: str, corner: str, heads: list[tuple[str | None, str]],
          lines, of: str, lang: str, **build) -> HtmlTable:
    """Rows (level, label, values[, numeric]) under `heads` (group, header), values of kind `of`."""
    rows = [(level, [(label, True, False)] + [
        (value if isinstance(value, str) else cell_text(value, of, lang), False,
         (numeric or [True])[0])
        for value in values]) for level, label, values, *numeric in lines]
    return _build(data, caption, [(None, corner, False)] + [(*head, True) for head in heads],
                  rows, **build)


def _pivot_tables(data: TableData, lang: str, caption: str) -> list[HtmlTable]:
    """PIVOTS: a row per label, the values of each `across` side by side, a table per `split`."""
    table = data.table
    across, values, split = PIVOTS[table.name]
    at = {column.key: index for index, column in enumerate(table.columns)}
    column = {column.key: column for column in table.columns}
    parts: dict[object, list] = {}
    for index, row in enumerate(data.rows):
        parts.setdefault(row[at[split]] if split else None, []).append((row, data.level(index)))
    result = []
    for part, rows in parts.items():
        heads = list(dict.fromkeys(row[at[across]] for row, _ in rows))
        lines: dict[str, tuple[str, dict]] = {}
        for row, level in rows:
            lines.setdefault(row[at[table.label]], (level, {}))[1][row[at[across]]] = row
        size = 12 if len(values) == 1 else 9 // len(values)  # the months of a year, 3 years
        for chunk in (heads[start:start + size] for start in range(0, len(heads), size)):
            result.append(_grid(
                data, f"{caption}, {part}" if split else caption,
                column[table.label].header(lang),
                [(cell_text(head, column[across].kind, lang), column[value].header(lang))
                 if len(values) > 1 else (None, cell_text(head, column[across].kind, lang))
                 for head in chunk for value in values],
                [(level, label, [cells[head][at[value]] if head in cells else None
                                 for head in chunk for value in values])
                 for label, (level, cells) in lines.items()], column[values[0]].kind, lang,
                key=f"table-{table.name}" + (f"-{part}" if split else "")
                + (f"-{chunk[0]}" if len(heads) > size else "")))
    return result


def _matrix_table(data: TableData, lang: str, caption: str, words: dict) -> HtmlTable:
    """Origins down, destinations across, the totals first as in the workbook (data.grid)."""
    heads, grid = data.grid
    return _grid(data, caption, words["from_to"], [(None, head) for head in heads],
                 [(level, label, ["" if value is None else value for value in values])
                  for level, _, label, values in grid], "int", lang, kind="matrix")


def detail_summary(data: TableData, lang: str, period: str) -> dict:
    """A people's table on the page: its title, sheet, CSV and what it holds."""
    holds = [(column.header(lang), list(dict.fromkeys(row[at] for row in data.rows
                                                      if row[at] is not None)))
             for at, column in enumerate(data.table.columns) if column.kind == "text"
             and not column.key.endswith("_code") and column.key != "region_name"]
    return {"title": data.table.title(lang, period), "sheet": data.table.sheet(lang),
            "csv": f"{data.table.name}.csv", "holds": [(header, ", ".join(map(str, names))
            if len(names) <= 20 else labels(lang)["count"].format(n=len(names)))
            for header, names in holds]}


def key_figures(data: TableData, lang: str) -> list[tuple[str, str]]:
    """The key figures table's rows (name, value) as shown: a change signed."""
    at = {column.key: index for index, column in enumerate(data.table.columns)}

    def shown(row: tuple) -> str | None:
        value = row[at["figure_value"]]
        if value is None or row[at["unit_code"]] == "pct":
            return format_percent(value, lang, signed=bool(row[at["comparison_release_id"]]))
        return format_integer(value, lang)

    return [(row[at["figure_name"]], shown(row) or export_words(lang)["not_available"])
            for row in data.rows]


def about_rows(points: KeyPoints, period: str, built: dt.datetime, years: list[dict],
               lang: str) -> list[tuple[str, str]]:
    """What the release is (the page's header, the workbook's About sheet)."""
    words = labels(lang)
    return [(words["release"], points.release_id), (words["period"], period),
            (words["vintage"], vintage_name(points.vintage, lang)),
            (words["cutoff"], date_text(points.cutoff_at, lang)),
            (words["built"], date_text(built, lang)),
            (words["years_from"], "; ".join(
                f"{year['year']}: {vintage_name(year['source_vintage'], lang)}"
                + ("" if year["months_covered"] == 12 else
                   f" ({words['months'].format(n=year['months_covered'])})")
                for year in years))]


def page_html(*, lang: str, points: KeyPoints, data: list[TableData],
              period: str, built: dt.datetime, years: list[dict],
              glossary: list[tuple[str, str | None]], synthetic: bool) -> str:
    """The page as a string; data: the release's tables, the key figures first."""
    words = labels(lang)
    figures, *data = data
    main = [item for item in data if not item.table.dynamic and item.table.name not in DETAIL]
    dynamic = [item for item in data if item.table.dynamic]
    monthly = [item for item in dynamic if any(c.key == "month" for c in item.table.columns)]
    # texts.GLOSSARY: (heading, None) opens a part: the glossary, then the methodology
    cut = [index for index, (_, text) in enumerate(glossary) if text is None] + [len(glossary)] * 2
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    ).get_template("release_page.html.j2").render(
        lang=lang, words=words, title=words["title"].format(period=period),
        about=about_rows(points, period, built, years, lang),
        banner=f"{synthetic_banner(lang)} {synthetic_note(lang)}" if synthetic else None,
        sentences=key_point_sentences(points, lang), figures=key_figures(figures, lang),
        charts=charts.release_charts(points, {item.table.name: item for item in data}, lang,
                                     words, period),
        release_tables=[t for item in main for t in html_tables(item, lang, period, words)],
        detail=[detail_summary(item, lang, period) for item in data
                if item.table.name in DETAIL],
        by_year=[t for item in dynamic if item not in monthly
                 for t in html_tables(item, lang, period, words)],
        by_month=[t for item in monthly for t in html_tables(item, lang, period, words)],
        glossary=glossary[cut[0] + 1:cut[1]],
        methodology=[entry for entry in glossary[cut[1]:] if entry[1] is not None],
        files=[(words["file_workbook"], "release.xlsx"),
               (words["file_key_points"], "key_points.md"),
               (words["file_json"], "release.json"),
               *[(item.table.title(lang, period), f"{item.table.name}.csv") for item in data]])
