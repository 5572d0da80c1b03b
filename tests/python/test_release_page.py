"""The release web page (index.html), checked in a real browser.

- On the calibrated world, the page of 2023-12-p, exported in each language of the
  export, rendered in headless Chromium (Debian's chromium; scripts/chromium.sh installs
  it when missing), shows the key figures as the marts hold them (marts.release_key_points
  of the published file), formatted per language, and equal to the published ones
  (seeds/reference/published_figures.csv: 25,399 / 16,055 / 9,344 / +46.9 % / −33.8 % /
  86.3 % / 77.3 % / +27.5 %, and the three regions with a positive interregional net),
  with the synthetic-data banner (the warehouse records that the calibrated world is synthetic).
- It reads as a release (issue 26): at a 1,280-px window nothing scrolls sideways; printed
  (Page.printToPDF, A4) it takes at most 24 pages; its visible text holds no internal code
  (the CSVs' codes that are not also names) and no unformatted number (a run of 4 or more
  digits other than a year, an ISO date, the other languages' separators).
- The page loads with no console message, no script error and no request other than
  file://; every link is to a file of the release, an anchor, or (in Useful links) the
  Bureau's site; it has lang set, a caption and column headers on every table, and a
  text alternative on every chart; printed, the navigation is hidden, table headers repeat
  and tables and charts are kept whole.
- Every table of the page shows the rows of its CSV (the marts' values), formatted.
- A full-page screenshot (PNG, 1,280 px wide) and the PDF printout of each page are kept
  in tests/artifacts/ (git-ignored): release_page_2023-12-p_<lang>.png and .pdf.
- Without a warehouse: the page's words exist in en, ru and kk (and no other language),
  every text, a country name with markup included, is escaped, and the layout helpers
  (two-level headers, dates, averages, release labels, axis ticks) do what they say.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from kzmig import export as release_export
from kzmig.export import charts, formatting, page, tables, texts, writers
from kzmig.project import PROJECT_DIR
from kzmig.publish import published_path

from conftest import RELEASE_TABLES, query, seed_tables
from headless_chromium import CONSOLE_EVENTS, REQUEST_EVENT, Browser, find_chromium

RELEASE = "2023-12-p"
ARTIFACTS = PROJECT_DIR / "tests" / "artifacts"
PUBLISHED_FIGURES = PROJECT_DIR / "seeds" / "reference" / "published_figures.csv"
# The figures of the key points table, in the order key_points.md lists them.
FIGURES = ("arrivals", "departures", "net_migration", "arrivals_change_pct",
           "departures_change_pct", "cis_arrivals_share_pct", "cis_departures_share_pct",
           "internal_migrants", "internal_migrants_change_pct",
           "regions_with_positive_interregional_net")
SIGNED = ("arrivals_change_pct", "departures_change_pct", "internal_migrants_change_pct")
SHARES = ("cis_arrivals_share_pct", "cis_departures_share_pct")


def languages() -> list:
    """Every language of the export, and Kazakh, skipped while the export has none."""
    names = list(dict.fromkeys([*tables.LANGUAGES, "kk"]))
    return [pytest.param(lang, marks=pytest.mark.skipif(
        lang not in tables.LANGUAGES,
        reason=f"the export has no {lang!r} yet (kzmig.export.tables.LANGUAGES = "
               f"{tables.LANGUAGES}); this runs once the Kazakh texts land"))
        for lang in names]


def number(text: str) -> Decimal:
    """'25,399' / '25 399' / '−33.8%' / '+46,9%' -> Decimal."""
    cleaned = (text.strip().replace(formatting.NBSP, "").replace(" ", "").replace("%", "")
               .replace(formatting.MINUS, "-").replace("+", ""))
    if "," in cleaned and "." not in cleaned and len(cleaned.split(",")[-1]) != 3:
        cleaned = cleaned.replace(",", ".")  # a decimal comma
    return Decimal(cleaned.replace(",", ""))


def shown(code: str, value, lang: str) -> str:
    """A figure of the key points as the page must show it."""
    if code in SIGNED:
        return formatting.format_percent(value, lang, signed=True)
    if code in SHARES:
        return formatting.format_percent(value, lang)
    return formatting.format_integer(value, lang)


def published_figures(release_id: str) -> dict:
    """The published figures of a release from the seed file: the reproduced value where
    the published one is inconsistent; interregional_net as [(region_code, value)] by rank."""
    with PUBLISHED_FIGURES.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["release_id"] == release_id]
    figures = {row["figure_code"]: Decimal(row["reproduced_value"] or row["published_value"])
               for row in rows if not row["dimension_code"]}
    ranked = sorted((int(row["dimension_rank"]), row["dimension_code"],
                     Decimal(row["reproduced_value"] or row["published_value"]))
                    for row in rows if row["figure_code"] == "interregional_net")
    figures["interregional_net"] = [(code, value) for _, code, value in ranked]
    return figures


# --- Chromium ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable (and pdfinfo); installed with scripts/chromium.sh when missing
    (as root)."""
    executable = find_chromium()
    if executable is None or shutil.which("pdfinfo") is None:
        if os.geteuid() != 0:
            pytest.skip("no Chromium or no pdfinfo on PATH and not root: run "
                        "`scripts/chromium.sh install` as root (Debian's chromium, poppler-utils)")
        subprocess.run(["bash", str(PROJECT_DIR / "scripts" / "chromium.sh"), "install"],
                       check=True, stdout=subprocess.DEVNULL)
        executable = find_chromium()
    assert executable, "scripts/chromium.sh install left no chromium on PATH"
    return executable


# What the test reads off the rendered page (JavaScript, returns JSON).
READ_PAGE = r"""(() => {
  const text = (node) => node ? node.textContent.replace(/[ \t\r\n]+/g, ' ').trim() : null;
  const byId = (ids) => (ids || '').split(/\s+/).filter(Boolean)
      .map((id) => text(document.getElementById(id))).join(' ');
  const banner = document.getElementById('synthetic-banner');
  return {
    lang: document.documentElement.lang,
    title: document.title,
    body: document.body.innerText,
    banner: banner ? {text: banner.innerText.trim(), height: banner.offsetHeight} : null,
    tables: Array.from(document.querySelectorAll('table')).map((table) => ({
      id: table.id,
      caption: table.caption ? table.caption.innerText.trim() : null,
      section: table.closest('main > section') ? table.closest('main > section').id : null,
      // the headers of the columns: a cell spanning both header rows, else the cells of
      // the second row under its group (two-level headers)
      columnHeaders: (() => {
        const rows = table.tHead ? Array.from(table.tHead.rows) : [];
        const lower = rows.length > 1 ? Array.from(rows[1].cells) : [];
        return Array.from(rows.length ? rows[0].cells : []).flatMap((cell) =>
            rows.length > 1 && cell.rowSpan < 2 ? lower.splice(0, cell.colSpan) : [cell])
          .map((cell) => ({text: cell.innerText.trim(), tag: cell.tagName,
                           scope: cell.getAttribute('scope')}));
      })(),
      groupScopes: Array.from(table.querySelectorAll('thead th[colspan]'))
          .map((cell) => cell.getAttribute('scope')),
      groups: Array.from(table.querySelectorAll('thead th[colspan]'))
          .map((cell) => cell.innerText.trim()),
      rows: Array.from(table.tBodies[0].rows).map((row) => ({
        level: row.className || 'item',
        cells: Array.from(row.cells).map((cell) => cell.innerText.trim()),
        rowHeaders: Array.from(row.cells).filter((cell) => cell.tagName === 'TH')
            .map((cell) => cell.getAttribute('scope')),
      })),
    })),
    charts: Array.from(document.querySelectorAll('figure')).map((figure) => {
      const svg = figure.querySelector('svg');
      return {
        id: figure.id,
        caption: text(figure.querySelector('figcaption')),
        role: svg && svg.getAttribute('role'),
        name: svg && byId(svg.getAttribute('aria-labelledby')),
        title: svg && text(svg.querySelector(':scope > title')),
        desc: svg && text(svg.querySelector(':scope > desc')),
        width: svg ? svg.getBoundingClientRect().width : 0,
        marks: svg ? svg.querySelectorAll('path, line, rect').length : 0,
      };
    }),
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    scrollBoxes: Array.from(document.querySelectorAll('body *')).filter((node) =>
        ['auto', 'scroll'].includes(getComputedStyle(node).overflowX)
        || ['auto', 'scroll'].includes(getComputedStyle(node).overflowY)).length,
    images: Array.from(document.images).map((image) => ({src: image.src, alt: image.alt})),
    links: Array.from(document.querySelectorAll('[href], [src]')).map((node) => ({
      url: node.getAttribute('href') || node.getAttribute('src'),
      inLinks: !!node.closest('#links'),
    })),
  };
})()"""

READ_PRINT = r"""(() => ({
  nav: getComputedStyle(document.querySelector('nav')).display,
  thead: getComputedStyle(document.querySelector('thead')).display,
  table: getComputedStyle(document.querySelector('#table-migration_by_region')).breakInside,
  figure: getComputedStyle(document.querySelector('figure')).breakInside,
  section: getComputedStyle(document.querySelector('#dynamic-tables')).breakBefore,
  colour: getComputedStyle(document.body).color,
}))()"""


def export_and_render(release: str, warehouse: Path, out: Path, chromium: str
                      ) -> dict[str, dict]:
    """The release exported in every language of the export, each page opened in headless
    Chromium at 1,280 px: what it shows, its console and requests; a full-page screenshot
    and the PDF printout in tests/artifacts/."""
    results = {}
    with Browser(chromium) as browser:
        for lang in tables.LANGUAGES:
            folder = release_export.export_release(release, out / lang, lang=lang,
                                                   warehouse=warehouse, quiet=True)
            view = browser.open((folder / page.PAGE_NAME).as_uri())
            result = view.evaluate(READ_PAGE)
            result["console"] = [{"method": event["method"], "params": event["params"]}
                                 for event in view.events(CONSOLE_EVENTS)]
            result["requests"] = [event["params"]["request"]["url"]
                                  for event in view.events((REQUEST_EVENT,))]
            screenshot = view.screenshot(ARTIFACTS / f"release_page_{release}_{lang}.png")
            printout = view.pdf(ARTIFACTS / f"release_page_{release}_{lang}.pdf")
            result["pdf_pages"] = pdf_pages(printout)
            result["printout"] = printout
            browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=view.session)
            result["print"] = view.evaluate(READ_PRINT)
            print(f"release page {release} ({lang}): screenshot {screenshot}, printout {printout}")
            result["folder"] = folder
            results[lang] = result
    return results


@pytest.fixture(scope="module")
def rendered(calibrated_warehouse, chromium, tmp_path_factory) -> dict[str, dict]:
    """The page of 2023-12-p in each language (export_and_render)."""
    return export_and_render(RELEASE, calibrated_warehouse,
                             tmp_path_factory.mktemp("release_page"), chromium)


@pytest.fixture(scope="module")
def rendered_later(calibrated_warehouse, chromium, tmp_path_factory) -> dict[str, dict]:
    """The page of 2025-12-p, whose dynamic tables hold five years (2021–2025): its wide
    tables by year are split into tables of three years."""
    return export_and_render("2025-12-p", calibrated_warehouse,
                             tmp_path_factory.mktemp("release_page_later"), chromium)


def pages(request, release: str) -> dict[str, dict]:
    return request.getfixturevalue("rendered" if release == RELEASE else "rendered_later")


def pdf_pages(path: Path) -> int:
    """The number of pages of a PDF, by pdfinfo (poppler-utils)."""
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)$", info.stdout, re.M).group(1))


def marts_key_points(warehouse: Path) -> dict:
    rows = query(published_path(warehouse), f"""
        select {', '.join(FIGURES)} from marts.release_key_points where release_id = ?""",
                 [RELEASE])
    assert len(rows) == 1
    return dict(zip(FIGURES, rows[0]))


# --- on the calibrated world ---------------------------------------------------------------

@pytest.mark.parametrize("lang", languages())
def test_the_page_shows_the_published_key_figures(rendered, calibrated_warehouse, lang):
    shown_page = rendered[lang]
    marts = marts_key_points(calibrated_warehouse)
    expected = published_figures(RELEASE)
    # the first table of the key points: the figures, in the order of key_points.md
    figures = next(table for table in shown_page["tables"] if table["section"] == "key-points")
    values = [row["cells"][1] for row in figures["rows"]]
    assert values == [shown(code, marts[code], lang) for code in FIGURES]
    for code, value in zip(FIGURES, values):
        if code in expected:
            assert number(value) == expected[code], code
    # and the sentences state them in the same formatting
    for code in ("arrivals", "departures", "net_migration"):
        assert formatting.format_integer(marts[code], lang) in shown_page["body"], code
    for code in ("arrivals_change_pct", "departures_change_pct", "internal_migrants_change_pct",
                 *SHARES):
        assert formatting.format_percent(abs(marts[code]), lang) in shown_page["body"], code


@pytest.mark.parametrize("lang", languages())
def test_the_page_names_the_three_regions_with_their_values(rendered, calibrated_warehouse, lang):
    expected = published_figures(RELEASE)["interregional_net"]
    assert len(expected) == 3
    names = dict(query(published_path(calibrated_warehouse), f"""
        select region_code, region_name_{lang} from marts.migration_by_region_annual
        where release_id = ? and source_release_id = release_id""", [RELEASE]))
    for code, value in expected:
        assert f"{names[code]} ({formatting.format_integer(int(value), lang)}" \
            in rendered[lang]["body"]


# --- reads as a release: fits the screen, prints on few pages, labels and formatted numbers

MAX_PRINTED_PAGES = 24
YEAR = re.compile(r"(19|20)\d\d")
# what the visible text must not hold, per language: an ISO date or timestamp, and numbers
# written with another language's separators (English grouping or decimal point in Russian
# and Kazakh, a decimal comma in English)
NOT_FORMATTED = {
    "en": re.compile(r"\d{4}-\d\d-\d\d|\d,\d(?!\d)"),
    "ru": re.compile(r"\d{4}-\d\d-\d\d|\d,\d{3}(?!\d)|\d\.\d(?!\d)"),
    "kk": re.compile(r"\d{4}-\d\d-\d\d|\d,\d{3}(?!\d)|\d\.\d(?!\d)"),
}


def internal_codes(folder: Path, lang: str) -> set[str]:
    """The codes of the release's CSV files (every `_code` column) that a reader must not
    see: not numbers (KATO codes read as numbers), not also a name (a country named by its
    ISO code), and in English not a plain word ('external' is a code and a word)."""
    codes, names = set(), set()
    for path in folder.glob("*.csv"):
        with path.open(encoding=writers.CSV_ENCODING, newline="") as handle:
            for row in csv.DictReader(handle):
                codes |= {value for key, value in row.items() if key.endswith("_code") and value}
                names |= {value for key, value in row.items() if key.endswith("_name")}
    return {code for code in codes - names if not code.isdigit()
            and not (lang == "en" and code.isalpha() and code.islower())}


@pytest.mark.parametrize("lang", languages())
@pytest.mark.parametrize("release", [RELEASE, "2025-12-p"])
def test_the_page_fits_the_screen_and_prints_on_few_a4_pages(request, release, lang):
    """Issue 26: at a 1,280-px window nothing scrolls sideways and no table has a scroll box
    of its own; printed on A4, at most 24 pages (2023-12-p printed on 125 before)."""
    shown_page = pages(request, release)[lang]
    assert shown_page["scrollWidth"] <= shown_page["clientWidth"] == 1280
    assert shown_page["scrollBoxes"] == 0
    assert 5 <= shown_page["pdf_pages"] <= MAX_PRINTED_PAGES, shown_page["pdf_pages"]
    info = subprocess.run(["pdfinfo", str(shown_page["printout"])],
                          check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info


@pytest.mark.parametrize("lang", languages())
@pytest.mark.parametrize("release", [RELEASE, "2025-12-p"])
def test_the_page_shows_labels_and_formatted_numbers_only(request, release, lang):
    """No internal code (external, Y0T4, UWA, WA_U …) and no unformatted number (19634081.5,
    2024-01-31 23:59:59, a run of 4 or more digits other than a year) in the visible text."""
    body = pages(request, release)[lang]["body"]
    codes = internal_codes(pages(request, release)[lang]["folder"], lang)
    assert {"Y0T4", "UWA", "WA_U"} <= codes  # the CSVs hold them: the check has teeth
    assert ("external" in codes) == (lang != "en")
    shown_codes = {code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])",
                                                       body)}
    assert shown_codes == set()
    # Russian and Kazakh write the base of a rate as BNS does: «на 1000 человек населения»
    long_numbers = [match[0] for match in re.finditer(r"\d{4,}", body)
                    if not YEAR.fullmatch(match[0]) and (lang == "en" or match[0] != "1000")]
    assert long_numbers == []
    assert NOT_FORMATTED[lang].findall(body) == []
    # the vintage agrees with its noun (ru: «Редакция: предварительная»)
    assert re.search(rf"{page.labels(lang)['vintage']}\s+"
                     rf"{texts.vintage_name('preliminary', lang)}\n", body)
    assert page.labels(lang)["download_csv"] in body


@pytest.mark.parametrize("lang", languages())
def test_the_page_shows_the_synthetic_banner(rendered, lang):
    banner = rendered[lang]["banner"]
    assert banner is not None, "no synthetic-data banner on the page of a synthetic world"
    words = f"{texts.synthetic_banner(lang)} {texts.synthetic_note(lang)}"
    assert banner["text"] == words
    assert banner["height"] > 0
    assert rendered[lang]["body"].lstrip().startswith(words)
    # said once, by the banner: not again as the key points' first line, nor as raw Markdown
    assert rendered[lang]["body"].count(texts.synthetic_banner(lang)) == 1
    assert "**" not in rendered[lang]["body"]


@pytest.mark.parametrize("lang", languages())
def test_the_page_loads_offline_without_console_messages(rendered, lang):
    shown_page = rendered[lang]
    assert shown_page["console"] == []
    assert shown_page["requests"] == [(shown_page["folder"] / page.PAGE_NAME).as_uri()]
    folder = shown_page["folder"]
    external = []
    for link in shown_page["links"]:
        url = link["url"]
        if url.startswith("#"):
            continue
        if url.startswith(("http://", "https://")):
            assert link["inLinks"], f"a link to the network outside Useful links: {url}"
            external.append(url)
            continue
        assert "/" not in url and ":" not in url, url  # a file of the release, relative
        assert (folder / url).is_file(), url
    assert external == [page.labels(lang)["bns_url"]]
    linked = {link["url"] for link in shown_page["links"]}
    assert {"release.xlsx", "key_points.md", "release.json",
            *(f"{table.name}.csv" for table in RELEASE_TABLES)} <= linked


@pytest.mark.parametrize("lang", languages())
def test_the_page_is_accessible_and_prints(rendered, lang):
    shown_page = rendered[lang]
    assert shown_page["lang"] == lang
    assert shown_page["title"]
    assert shown_page["images"] == []  # the charts are inline SVG
    charts_shown = shown_page["charts"]
    assert [chart["id"] for chart in charts_shown] == [
        "chart-monthly", "chart-regions", "chart-cis", "chart-countries", "chart-ethnic"]
    for chart in charts_shown:
        assert chart["role"] == "img", chart["id"]
        assert chart["title"] and chart["desc"], chart["id"]
        assert chart["name"] == f"{chart['title']} {chart['desc']}", chart["id"]
        assert chart["caption"] == chart["title"], chart["id"]
        assert chart["width"] > 200 and chart["marks"] > 10, chart["id"]
        assert chart["desc"] in shown_page["body"], chart["id"]  # also as visible text
    # the CIS chart's text alternative states the shares of the key points
    cis = next(chart for chart in charts_shown if chart["id"] == "chart-cis")
    for code in SHARES:
        value = next(row["cells"][1] for table in shown_page["tables"][:1]
                     for row, figure in zip(table["rows"], FIGURES) if figure == code)
        assert value in cis["desc"]
    for table in shown_page["tables"]:
        assert table["caption"], table["id"]
        assert table["columnHeaders"], table["id"]
        assert all(header["tag"] == "TH" and header["scope"] == "col"
                   for header in table["columnHeaders"]), table["id"]
        assert set(table["groupScopes"]) <= {"colgroup"}, table["id"]
        assert all(len(row["cells"]) == len(table["columnHeaders"]) for row in table["rows"])
        assert all(row["rowHeaders"] and set(row["rowHeaders"]) == {"row"}
                   for row in table["rows"]), table["id"]
    # the region table's headers in two rows, the groups of the seeds: all moves, external
    # and interregional each over its arrivals, departures, net (intraregional: one column)
    region = next(table for table in shown_page["tables"]
                  if table["id"] == "table-migration_by_region")
    assert region["groupScopes"] == ["colgroup"] * 3
    # printed: no navigation, headers repeated on every page, tables, charts kept whole,
    # each part of the release from a new page
    assert shown_page["print"] == {"nav": "none", "thead": "table-header-group",
                                   "table": "avoid", "figure": "avoid", "section": "page",
                                   "colour": "rgb(0, 0, 0)"}
    assert (ARTIFACTS / f"release_page_{RELEASE}_{lang}.png").stat().st_size > 10_000


def csv_rows(folder: Path, table: tables.Table) -> list[dict]:
    with (folder / f"{table.name}.csv").open(encoding=writers.CSV_ENCODING, newline="") as handle:
        return list(csv.DictReader(handle))


def check_cell(cell: str, value: str, column: tables.Table, lang: str, where) -> None:
    """A cell of the page shows the CSV's value of its column, formatted."""
    if value == "":
        assert cell == "–", where
    elif column.status and value == tables.SUPPRESSED:
        assert cell == tables.SUPPRESSED, where
    elif column.kind == "int":
        assert number(cell) == Decimal(value), where
    elif column.kind == "pct":
        assert number(cell) == formatting.round_half_away_from_zero(Decimal(value), 1), where
    elif column.kind == "month":
        assert cell == formatting.month_name(int(value), lang), where
    elif column.key.endswith("_date"):
        assert cell == page.date_text(dt.date.fromisoformat(value), lang), where
    elif column.key.endswith("release_id"):
        assert cell.startswith(formatting.period_label(int(value[:4]), int(value[5:7]), lang))
    else:
        assert cell == value, where


@pytest.mark.parametrize("lang", languages())
@pytest.mark.parametrize("release", [RELEASE, "2025-12-p"])
def test_every_table_of_the_page_shows_its_csv(request, release, lang):
    """The page's tables hold the rows of the CSV files (the marts' values), formatted:
    counts exactly, percentages rounded to one decimal, months by name, dates in words, each
    row at its level; a column left out holds a code, the release of a year's figures (said
    above the tables), the country group (said by the subtotals) or one value in every row
    (said under the table); a pivoted table holds every value of its CSV; the matrix every
    flow and its totals. The people's tables are summed up with links to their CSV."""
    shown_page = pages(request, release)[lang]
    folder = shown_page["folder"]
    by_id = {table["id"]: table for table in shown_page["tables"]}
    for table in (table for table in RELEASE_TABLES if table.name in page.DETAIL):
        assert not any(key.startswith(f"table-{table.name}") for key in by_id), table.name
        assert f"«{table.sheet(lang)}»" in shown_page["body"] or \
            f"“{table.sheet(lang)}”" in shown_page["body"], table.name  # summed up, linked
    for table in RELEASE_TABLES:
        if table.name in page.DETAIL:
            continue
        rows = csv_rows(folder, table)
        if not rows:  # said so, under the table's title
            assert f"{table.title(lang, '')}"[:30] in shown_page["body"]
            assert f"{page.labels(lang)['no_rows']}." in shown_page["body"]
            continue
        parts = [value for key, value in by_id.items()
                 if key == f"table-{table.name}" or key.startswith(f"table-{table.name}-")]
        assert parts, table.name
        assert {part["section"] for part in parts} == {
            "dynamic-tables" if table.dynamic else "key-points"}
        columns = {column.key: column for column in table.columns}
        if table.matrix is not None:
            (on_page,) = parts
            headers = [header["text"] for header in on_page["columnHeaders"]][1:]
            for row in rows:
                if row["row_level"] != "item":
                    continue
                line = next(item["cells"] for item in on_page["rows"]
                            if item["cells"][0] == row["origin_region_name"])
                assert number(line[1 + headers.index(row["destination_region_name"])]) == \
                    Decimal(row["migrants"])
            # the totals come first: the total row and the total column
            assert headers[0] == {"en": "Total", "ru": "Всего", "kk": "Барлығы"}[lang]
            total_row, *origins = on_page["rows"]
            assert total_row["level"] == "total" and len(origins) == len(headers) - 1
            for line in (row["cells"] for row in origins):
                assert number(line[1]) == sum(number(cell) for cell in line[2:] if cell)
            for at in range(2, len(total_row["cells"])):
                assert number(total_row["cells"][at]) == sum(
                    number(row["cells"][at]) for row in origins if row["cells"][at])
        elif table.name in page.PIVOTS:
            # rows by label, the values of each year (or month) side by side: a year over
            # its columns, or the months as the headers of a table per year
            across, values, split = page.PIVOTS[table.name]

            def heads(part: dict) -> list[str]:
                return part["groups"] if len(values) > 1 else [
                    header["text"] for header in part["columnHeaders"][1:]]

            for row in rows:
                head = (formatting.month_name(int(row[across]), lang)
                        if columns[across].kind == "month" else row[across])
                on_page = next(part for part in parts if head in heads(part) and (
                    not split or part["id"].startswith(f"table-{table.name}-{row[split]}")))
                line = next(item for item in on_page["rows"]
                            if item["cells"][0] == row[table.label])
                assert line["level"] == row["row_level"]
                for offset, value in enumerate(values):
                    at = 1 + heads(on_page).index(head) * len(values) + offset
                    check_cell(line["cells"][at], row[value], columns[value], lang,
                               (table.name, row[table.label], row[across], value))
            if not split:  # at most three years side by side (2025-12-p: 3 and 2)
                assert len(parts) == -(-len({row[across] for row in rows}) // 3)
                assert all(len(heads(part)) <= 3 for part in parts)
            for part in parts:  # each table of the pivot has a line per label, no other
                assert len(heads(part)) * len(values) == len(part["columnHeaders"]) - 1
                labels = [line["cells"][0] for line in part["rows"]]
                assert sorted(labels) == sorted({row[table.label] for row in rows if not split
                                                 or part["id"].endswith(f"-{row[split]}")})
        elif parts[0]["columnHeaders"][1]["text"] == rows[0].get("year"):  # transposed
            (on_page,) = parts
            for index, row in enumerate(rows):
                for line in on_page["rows"]:
                    column = next(column for column in table.columns
                                  if column.header(lang) == line["cells"][0])
                    check_cell(line["cells"][1 + index], row[column.key], column, lang,
                               (table.name, row["year"], column.key))
        else:
            (on_page,) = parts
            assert [row["level"] for row in on_page["rows"]] == [row["row_level"] for row in rows]
            # the columns shown, in the table's order, under their (lower) header
            remaining = list(table.columns)
            shown = []
            for header in on_page["columnHeaders"]:
                while remaining[0].header(lang).rpartition(": ")[2].lower() \
                        != header["text"].lower():
                    left_out = remaining.pop(0)
                    assert (left_out.key.endswith("_code") or left_out.key in page.HIDDEN
                            or len({row[left_out.key] for row in rows}) == 1), left_out.key
                shown.append(remaining.pop(0))
            for got, want in zip(on_page["rows"], rows):
                for column, cell in zip(shown, got["cells"]):
                    check_cell(cell, want[column.key], column, lang, (table.name, column.key))


# --- without a warehouse -------------------------------------------------------------------

def test_the_page_has_its_words_in_english_russian_and_kazakh():
    assert set(page.LABELS) == {"en", "ru", "kk"}
    for lang in page.LABELS:
        assert page.labels(lang).keys() == page.labels("en").keys(), lang
        words = [*page.labels(lang).values(), *texts.words(lang)["vintages"].values()]
        assert all(text.strip() for text in words if isinstance(text, str)), lang
        assert texts.words(lang)["vintages"].keys() == texts.words("en")["vintages"].keys()
    assert page.labels("kk")["key_points"] == "Негізгі қорытындылар"  # as key_points.md
    # «Редакция» is feminine; Kazakh puts the object first: «CSV жүктеп алу»
    assert (page.labels("ru")["vintage"], texts.vintage_name("preliminary", "ru"),
            texts.vintage_name("revised", "ru")) == ("Редакция", "предварительная",
                                                          "уточнённая")
    assert page.labels("kk")["download_csv"] == "CSV жүктеп алу"
    with pytest.raises(ValueError, match="de"):
        page.labels("de")


def _rows(table: tables.Table, count: int, **values) -> list[tuple]:
    """count rows for a table: each column's value from values, else a plain one by kind."""
    plain = {"text": "x", "code": "x", "int": 7, "pct": 12.25, "month": 3, "date": "2023-01-01"}
    rows = []
    for index in range(count):
        row = []
        for column in table.columns:
            value = values.get(column.key, plain[column.kind])
            row.append(value[index] if isinstance(value, list) else value)
        rows.append(tuple(row))
    return rows


@pytest.mark.parametrize("lang", sorted(page.LABELS))
def test_every_text_on_the_page_is_escaped(lang):
    """Hand-made tables and key points (a name with markup in every place a text goes), in
    each language of the page's words (the key points in the export's nearest language)."""
    evil = '<script>alert("x")</script> & <b>Co</b>'
    by_name = {table.name: table for table in seed_tables()}
    data = [
        writers.TableData(by_name["key_figures"], [
            (evil, 14.0, "people", None), ("Arrivals, change", 1.0, "pct", "2022-12-p")]),
        writers.TableData(by_name["migration_by_region"],
                          _rows(by_name["migration_by_region"], 2, region_code=["10", "11"],
                                region_name=[evil, "Akmola"], net_migration=[-5, 9])),
        writers.TableData(by_name["external_migration_by_country"],
                          _rows(by_name["external_migration_by_country"], 3,
                                country_code=["RUS", "EVL", "ALL"],
                                country_name=["Russia", evil, "All"],
                                country_group=["CIS", "Other", "All"], arrivals=[9, 5, 14]),
                          levels=["item", "item", "total"]),
        writers.TableData(by_name["external_migration_by_ethnic_group"],
                          _rows(by_name["external_migration_by_ethnic_group"], 1)),
        writers.TableData(by_name["external_migration_annual"], []),  # no year complete yet
        writers.TableData(by_name["external_migration_monthly"],
                          _rows(by_name["external_migration_monthly"], 2, year=2023,
                                month=[1, 2])),
    ]
    points = texts.KeyPoints(
        release_id=evil, period_year=2023, period_end_month=12, vintage="preliminary",
        cutoff_at="2024-01-31", arrivals=14, departures=10, net_migration=4,
        arrivals_change_pct=1.0, departures_change_pct=-1.0, cis_arrivals_share_pct=64.3,
        cis_departures_share_pct=50.0, internal_migrants=3, internal_migrants_change_pct=None,
        regions_with_positive_interregional_net=1, comparison_release_id=None,
        comparison_period_year=None, positive_regions=((evil, 9),))
    html = page.page_html(
        lang=lang, points=points, data=data, period="January–December 2023", built=dt.datetime(2024, 2, 1, 8, 30),
        years=[{"year": 2023, "source_vintage": "preliminary", "months_covered": 12}],
        glossary=[("Glossary", None), (evil, evil), ("Notes", None), ("Source", evil)],
        synthetic=False)
    assert "<script" not in html and "<b>" not in html
    assert html.count("&lt;script&gt;") >= 5  # about, key points, glossary, tables, charts
    assert "synthetic-banner" not in html
    assert f'<html lang="{lang}">' in html and page.labels(lang)["glossary"] in html
    assert '<tr class="total"><th scope="row">All</th><td class="num">14</td>' in html
    assert ">ALL<" not in html and ">RUS<" not in html  # codes stay in the CSV
    # a table without rows: its title and a note saying so, no empty table
    assert (f'id="table-external_migration_annual"><strong>'
            f'{by_name["external_migration_annual"].title(lang, "")}</strong>: '
            f'{page.labels(lang)["no_rows"]}.</p>') in html
    # the chart of the top countries leaves the total row out
    top = charts.top_country_rows(data[2])
    assert [row["country_code"] for row in top] == ["RUS", "EVL"]


def test_wide_headers_become_two_rows():
    assert page.header_rows([(None, "Region", False), ("External", "Arrivals", True),
                             ("External", "Departures", True), (None, "Net", True)]) == [
        [("Region", 1, 2, False), ("External", 2, 1, True), ("Net", 1, 2, True)],
        [("Arrivals", 1, 1, True), ("Departures", 1, 1, True)]]
    assert page.header_rows([(None, "Region", False), (None, "Net", True)]) == [
        [("Region", 1, 1, False), ("Net", 1, 1, True)]]


def test_cells_are_in_the_language_format():
    nbsp = formatting.NBSP
    assert page.cell_text(19634081.5, "int", "en") == "19,634,081.5"
    assert page.cell_text(Decimal("19634081.5"), "int", "ru") == f"19{nbsp}634{nbsp}081,5"
    assert page.cell_text(-2500.0, "int", "kk") == f"{formatting.MINUS}2{nbsp}500"
    assert page.cell_text(-0.04, "pct", "en") == "0.0"  # no minus before a zero
    assert page.cell_text(-0.05, "pct", "en") == f"{formatting.MINUS}0.1"
    assert page.cell_text("2023-01-01", "date", "ru") == \
        "1 января 2023\u202fг."
    assert page.cell_text(dt.date(2023, 1, 1), "date", "kk") == \
        "2023\u202fж. 1 қаңтар"
    assert page.date_text(dt.datetime(2024, 1, 31, 23, 59, 59), "ru") == \
        "31 января 2024\u202fг., 23:59:59"  # CLDR: narrow no-break space
    assert page.cell_text("2022-12-r", "text", "ru", "change_base_release_id") == \
        f"январь–декабрь 2022{nbsp}года, уточнённая"
    assert page.cell_text("2021-06-p", "text", "en", "change_base_release_id") == \
        "January–June 2021, preliminary"
    assert page.cell_text(None, "int", "en") == "–"
    assert page.cell_text(tables.SUPPRESSED, "int", "en") == tables.SUPPRESSED


@pytest.mark.parametrize(("values", "expected"), [
    ([-31000, 52000], [-40000, -20000, 0, 20000, 40000, 60000]),
    ([0, 7], [0, 2, 4, 6, 8]),
    ([-5, 9], [-5, 0, 5, 10]),
    ([100, 25399], [0, 10000, 20000, 30000]),
    ([-12.5, 3], [-15, -10, -5, 0, 5]),
    ([0.4], [0, 1]),
])
def test_chart_axes_have_few_round_ticks_with_zero(values, expected):
    assert charts.ticks(values) == expected
