"""The release web page (index.html), checked in a real browser.

- On the calibrated world, the page of 2023-12-p, exported in each language of the
  export, rendered in headless Chromium (Debian's chromium; scripts/chromium.sh installs
  it when missing), shows the key figures as the marts hold them (marts.release_key_points
  of the published file), formatted per language, and equal to the published ones
  (seeds/reference/published_figures.csv: 25,399 / 16,055 / 9,344 / +46.9 % / −33.8 % /
  86.3 % / 77.3 % / +27.5 %, and the three regions with a positive interregional net),
  with the synthetic-data banner (the warehouse records that the calibrated world is synthetic).
- The page loads with no console message, no script error and no request other than
  file://; every link is to a file of the release, an anchor, or (in Useful links) the
  Bureau's site; it has lang set, a caption and column headers on every table, and a
  text alternative on every chart; printed, the navigation is hidden and tables unfold.
- Every table of the page shows the rows of its CSV (the marts' values), formatted.
- A screenshot and a PDF printout of each page are kept in tests/artifacts/ (git-ignored).
- Without a warehouse: the page's words exist in en, ru and kk (and no other language),
  and every text, a country name with markup included, is escaped.

Kazakh: the tests over languages run for each of kzmig.export.tables.LANGUAGES; "kk" is
skipped, saying why, only while the export has no Kazakh.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from kzmig import export as release_export
from kzmig.export import charts, formatting, page, tables, texts, writers
from kzmig.project import PROJECT_DIR
from kzmig.publish import published_path

from conftest import query
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
    """The Chromium executable; installed with scripts/chromium.sh when missing (as root)."""
    executable = find_chromium()
    if executable is None:
        if os.geteuid() != 0:
            pytest.skip("no Chromium on PATH and not root: run `scripts/chromium.sh install` "
                        "as root (Debian's chromium package)")
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
      columnHeaders: Array.from(table.tHead ? table.tHead.rows[0].cells : [])
          .map((cell) => ({text: cell.innerText.trim(), tag: cell.tagName,
                           scope: cell.getAttribute('scope')})),
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
    images: Array.from(document.images).map((image) => ({src: image.src, alt: image.alt})),
    links: Array.from(document.querySelectorAll('[href], [src]')).map((node) => ({
      url: node.getAttribute('href') || node.getAttribute('src'),
      inLinks: !!node.closest('#links'),
    })),
  };
})()"""

READ_PRINT = r"""(() => ({
  nav: getComputedStyle(document.querySelector('nav')).display,
  wrapOverflow: getComputedStyle(document.querySelector('.table-wrap')).overflowY,
  wrapMaxHeight: getComputedStyle(document.querySelector('.table-wrap')).maxHeight,
  colour: getComputedStyle(document.body).color,
}))()"""


@pytest.fixture(scope="module")
def exported(calibrated_warehouse, tmp_path_factory) -> dict[str, Path]:
    """2023-12-p exported in every language of the export, one folder each."""
    out = tmp_path_factory.mktemp("release_page")
    return {lang: release_export.export_release(RELEASE, out / lang, lang=lang,
                                                warehouse=calibrated_warehouse, quiet=True)
            for lang in tables.LANGUAGES}


@pytest.fixture(scope="module")
def rendered(exported, chromium) -> dict[str, dict]:
    """Each page opened in headless Chromium: what it shows, its console and requests; a
    screenshot and a PDF printout in tests/artifacts/."""
    results = {}
    with Browser(chromium) as browser:
        for lang, folder in exported.items():
            view = browser.open((folder / page.PAGE_NAME).as_uri())
            result = view.evaluate(READ_PAGE)
            result["console"] = [{"method": event["method"], "params": event["params"]}
                                 for event in view.events(CONSOLE_EVENTS)]
            result["requests"] = [event["params"]["request"]["url"]
                                  for event in view.events((REQUEST_EVENT,))]
            screenshot = view.screenshot(ARTIFACTS / f"release_page_{RELEASE}_{lang}.png")
            printout = view.pdf(ARTIFACTS / f"release_page_{RELEASE}_{lang}.pdf")
            browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=view.session)
            result["print"] = view.evaluate(READ_PRINT)
            print(f"release page ({lang}): screenshot {screenshot}, printout {printout}")
            result["folder"] = folder
            results[lang] = result
    return results


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
    regions = [table for table in rendered[lang]["tables"] if table["section"] == "key-points"][1]
    assert [row["cells"] for row in regions["rows"]] == [
        [names[code], formatting.format_integer(int(value), lang)] for code, value in expected]
    for code, value in expected:
        assert f"{names[code]} ({formatting.format_integer(int(value), lang)}" \
            in rendered[lang]["body"]


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
            *(f"{table.name}.csv" for table in tables.TABLES)} <= linked


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
        assert all(row["rowHeaders"] and set(row["rowHeaders"]) == {"row"}
                   for row in table["rows"]), table["id"]
    assert shown_page["print"] == {"nav": "none", "wrapOverflow": "visible",
                                   "wrapMaxHeight": "none", "colour": "rgb(0, 0, 0)"}
    assert (ARTIFACTS / f"release_page_{RELEASE}_{lang}.png").stat().st_size > 10_000


@pytest.mark.parametrize("lang", languages())
def test_every_table_of_the_page_shows_its_csv(rendered, lang):
    """The page's tables hold the rows of the CSV files (the marts' values), formatted:
    counts exactly, percentages rounded to one decimal, months by name, each row at its
    level (total, subtotal, item); the matrix holds every flow and its totals."""
    shown_page = rendered[lang]
    by_id = {table["id"]: table for table in shown_page["tables"]}
    for table in tables.TABLES:
        with (shown_page["folder"] / f"{table.name}.csv").open(
                encoding=writers.CSV_ENCODING, newline="") as handle:
            header, *rows = list(csv.reader(handle))
        assert header[0] == "row_level"
        row_levels = [row[0] for row in rows]
        rows = [row[1:] for row in rows]
        on_page = by_id[f"table-{table.name}"]
        assert on_page["section"] == ("dynamic-tables" if table.dynamic else "key-points")
        if table.matrix is not None:
            headers = [header["text"] for header in on_page["columnHeaders"]][1:]
            keys = [column.key for column in table.columns]
            for origin, destination, moves in (
                    (row[keys.index("origin_region_name")],
                     row[keys.index("destination_region_name")], row[keys.index("migrants")])
                    for row in rows):
                line = next(row["cells"] for row in on_page["rows"] if row["cells"][0] == origin)
                assert number(line[1 + headers.index(destination)]) == Decimal(moves)
            # the totals come first: the total row and the total column
            assert headers[0] == {"en": "Total", "ru": "Всего", "kk": "Барлығы"}[lang]
            total_row, *origins = on_page["rows"]
            assert total_row["level"] == "total" and len(origins) == len(headers) - 1
            for line in (row["cells"] for row in origins):
                assert number(line[1]) == sum(number(cell) for cell in line[2:] if cell)
            for at in range(2, len(total_row["cells"])):
                assert number(total_row["cells"][at]) == sum(
                    number(row["cells"][at]) for row in origins if row["cells"][at])
            continue
        assert [header["text"] for header in on_page["columnHeaders"]] == [
            column.header(lang) for column in table.columns]
        assert len(on_page["rows"]) == len(rows), table.name
        assert [row["level"] for row in on_page["rows"]] == row_levels, table.name
        for got, want in zip(on_page["rows"], rows):
            for column, cell, value in zip(table.columns, got["cells"], want):
                if value == "":
                    assert cell == "–", (table.name, column.key)
                elif column.status and value == tables.SUPPRESSED:
                    assert cell == tables.SUPPRESSED, (table.name, column.key)
                elif column.kind == "int":
                    assert number(cell) == Decimal(value), (table.name, column.key)
                elif column.kind == "pct":
                    assert number(cell) == formatting.round_half_away_from_zero(
                        Decimal(value), 1), (table.name, column.key)
                elif column.kind == "month":
                    assert cell == formatting.month_name(int(value), lang), (table.name, cell)
                else:
                    assert cell == value, (table.name, column.key)


# --- without a warehouse -------------------------------------------------------------------

def test_the_page_has_its_words_in_english_russian_and_kazakh():
    assert set(page.LABELS) == {"en", "ru", "kk"}
    for lang in page.LABELS:
        assert page.labels(lang).keys() == page.labels("en").keys(), lang
        assert all(text.strip() for text in page.labels(lang).values()), lang
    assert page.labels("kk")["key_points"] == "Негізгі қорытындылар"  # as key_points.md
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
    by_name = {table.name: table for table in tables.TABLES}
    data = [
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
        writers.TableData(by_name["external_migration_monthly"],
                          _rows(by_name["external_migration_monthly"], 2, year=2023,
                                month=[1, 2])),
    ]
    points = texts.KeyPoints(
        release_id="2023-12-p", period_year=2023, period_end_month=12, vintage="preliminary",
        cutoff_at="2024-01-31", arrivals=14, departures=10, net_migration=4,
        arrivals_change_pct=1.0, departures_change_pct=-1.0, cis_arrivals_share_pct=64.3,
        cis_departures_share_pct=50.0, internal_migrants=3, internal_migrants_change_pct=None,
        regions_with_positive_interregional_net=1, comparison_release_id=None,
        comparison_period_year=None, positive_regions=((evil, 9),))
    html = page.page_html(
        lang=lang, points=points,
        key_points_markdown=texts.key_points_markdown(points, lang if lang in tables.LANGUAGES
                                                      else "en", "now"),
        data=data, period="January–December 2023", about=[("About", None), ("Release", evil)],
        glossary=[("Glossary", None), (evil, evil), ("Notes", None), ("Source", evil)],
        synthetic=False)
    assert "<script" not in html and "<b>" not in html
    assert html.count("&lt;script&gt;") >= 5  # about, key points, glossary, tables, charts
    assert "synthetic-banner" not in html
    assert f'<html lang="{lang}">' in html and page.labels(lang)["glossary"] in html
    assert '<tr class="total"><th scope="row">ALL</th><th scope="row">All</th>' in html
    # the chart of the top countries leaves the total row out
    top = charts.top_country_rows(data[1])
    assert [row["country_code"] for row in top] == ["RUS", "EVL"]
