"""release.xlsx as BNS's spreadsheets (issue 26), on the fixture world, in en, ru and kk.

- The key-figures sheet comes first and shows marts.release_key_figures.
- Every sheet has a print set-up: A4 landscape, fit to the page width (any height), the
  title and header rows repeated on every page.
- Header rows have heights; two-level headers: a group cell merged over its columns (the
  region table: all moves, external, interregional, intraregional); labels only (no code
  column such as the flow's code); population dates stored as dates.
- LibreOffice (headless, Debian's libreoffice-calc-nogui; scripts/libreoffice.sh installs it
  when missing, as root) renders each workbook to PDF. The PDFs are kept as test artefacts
  in $KZMIG_TEST_ARTEFACTS/workbook/ (default: the pytest temporary folder, printed).
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import openpyxl
import pytest

from kzmig import export as release_export
from kzmig.export import tables, texts
from kzmig.project import PROJECT_DIR
from kzmig.publish import published_path

from conftest import FIXTURES_DIR, build_warehouse

RELEASE = "2023-12-p"
LANGUAGES = ("en", "ru", "kk")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("workbook_build"), FIXTURES_DIR / "landing_csv")


@pytest.fixture(scope="module")
def workbooks(warehouse, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("workbook_export")
    return {lang: release_export.export_release(RELEASE, out / lang, lang=lang, warehouse=warehouse,
                                                quiet=True) / "release.xlsx"
            for lang in LANGUAGES}


@pytest.fixture(scope="module")
def release_tables(warehouse) -> tuple[tables.Table, ...]:
    with duckdb.connect(str(published_path(warehouse)), read_only=True) as connection:
        return tables.read_tables(connection)


def header_rows(sheet) -> range:
    """The rows between the title and the first row of figures (print_title_rows: the title
    and the headers)."""
    first, last = (int(part.strip("$")) for part in sheet.print_title_rows.split(":"))
    return range(first + 1, last + 1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_key_figures_come_first(workbooks, warehouse, release_tables, lang):
    workbook = openpyxl.load_workbook(workbooks[lang])
    sheet = workbook.worksheets[0]
    assert release_tables[0].name == "key_figures"
    assert sheet.title == release_tables[0].sheet(lang)
    with duckdb.connect(str(published_path(warehouse)), read_only=True) as connection:
        expected = connection.execute(
            f"select figure_name_{lang}, figure_value, comparison_release_id "
            "from marts.release_key_figures where release_id = ? order by row_order",
            [RELEASE]).fetchall()
    first = header_rows(sheet)[-1] + 1
    shown = [row[:3] for row in sheet.iter_rows(min_row=first, values_only=True)]
    assert [row[0] for row in shown] == [row[0] for row in expected]
    assert all(got == want if want is None else got == pytest.approx(want)
               for got, want in zip((row[1] for row in shown), (row[1] for row in expected)))
    # the release a change compares with, by its period and vintage (the CSV keeps the id)
    assert [row[2] for row in shown] == [texts.release_label(row[2], lang) if row[2] else None
                                         for row in expected]
    assert shown[3][2] == texts.release_label("2022-12-p", lang) != "2022-12-p"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_sheet_has_a_print_set_up_and_header_heights(workbooks, lang):
    workbook = openpyxl.load_workbook(workbooks[lang])
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert int(setup.paperSize) == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), sheet.title
        if sheet is workbook.worksheets[-1]:  # the glossary and notes: two columns of text
            assert all(sheet.row_dimensions[row].height for row in range(1, sheet.max_row + 1))
            continue
        assert sheet.print_title_rows, sheet.title
        rows = header_rows(sheet)
        assert 1 <= len(rows) <= 2, sheet.title
        for row in (rows.start - 1, *rows):  # the title and the headers
            assert sheet.row_dimensions[row].height, (sheet.title, row)
        assert sheet.freeze_panes.endswith(str(rows[-1] + 1)), sheet.title


@pytest.mark.parametrize("lang", LANGUAGES)
def test_two_level_headers_labels_only_and_dates_as_dates(workbooks, release_tables, lang):
    workbook = openpyxl.load_workbook(workbooks[lang])
    by_name = {table.name: table for table in release_tables}
    region = by_name["migration_by_region"]
    sheet = workbook[region.sheet(lang)]
    top, bottom = header_rows(sheet)
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    # the group over its three columns (external: arrivals, departures, net), the region's
    # name over both header rows
    groups = [column.group(lang) for column in region.columns]
    start = groups.index(by_name["migration_by_region"].columns[5].group(lang)) + 1
    letter = openpyxl.utils.get_column_letter
    assert f"{letter(start)}{top}:{letter(start + 2)}{top}" in merged
    assert sheet.cell(row=top, column=start).value == region.columns[5].group(lang)
    assert f"B{top}:B{bottom}" in merged
    assert [sheet.cell(row=bottom, column=index).value for index in range(start, start + 3)] == [
        region.columns[index].header(lang) for index in (5, 6, 7)]
    # labels only: the flow's, the age group's and the reason's codes are in the CSV alone
    for table in release_tables:
        if table.matrix is not None:
            continue
        headers = {sheet_cell.value for row in header_rows(workbook[table.sheet(lang)])
                   for sheet_cell in workbook[table.sheet(lang)][row]}
        for column in table.columns:
            assert (column.header(lang) in headers) == (column.kind != "code"), (table.name, column.key)
    # population dates are dates
    intensity = workbook[by_name["migration_intensity"].sheet(lang)]
    first = header_rows(intensity)[-1] + 1
    dates = [cell.value for cell in intensity[first] if isinstance(cell.value, datetime.datetime)]
    assert dates and all(value.date() == datetime.date(2023, 1, 1) for value in dates[:1])


def soffice() -> str:
    executable = shutil.which("soffice")
    if executable is None:
        if os.geteuid() != 0:
            pytest.skip("no soffice on PATH and not root: run `scripts/libreoffice.sh install` as "
                        "root (Debian's libreoffice-calc-nogui)")
        subprocess.run(["bash", str(PROJECT_DIR / "scripts" / "libreoffice.sh"), "install"],
                       check=True, stdout=subprocess.DEVNULL)
        executable = shutil.which("soffice")
    assert executable, "scripts/libreoffice.sh install left no soffice on PATH"
    return executable


def test_libreoffice_renders_the_workbook_in_every_language(workbooks, tmp_path_factory):
    """The PDFs are kept (artefacts) for a person to look at; each has pages in landscape
    and shows the key figures' title first."""
    artefacts = Path(os.environ.get("KZMIG_TEST_ARTEFACTS") or tmp_path_factory.mktemp(
        "artefacts")) / "workbook"
    artefacts.mkdir(parents=True, exist_ok=True)
    executable = soffice()
    profile = tmp_path_factory.mktemp("libreoffice_profile")
    for lang, path in workbooks.items():
        source = artefacts / f"release_{RELEASE}_{lang}.xlsx"
        shutil.copyfile(path, source)
        subprocess.run([executable, "--headless", f"-env:UserInstallation=file://{profile}",
                        "--convert-to", "pdf", "--outdir", str(artefacts), str(source)],
                       check=True, capture_output=True, timeout=600)
        pdf = source.with_suffix(".pdf")
        assert pdf.is_file() and pdf.stat().st_size > 0, pdf
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout \
            if shutil.which("pdfinfo") else ""
        if info:
            pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
            assert pages >= len(openpyxl.load_workbook(path).worksheets), pdf
            width, height = next(line for line in info.splitlines()
                                 if line.startswith("Page size")).split()[2:5:2]
            assert float(width) > float(height), "landscape"
    print(f"\nworkbook renderings kept in {artefacts}")
