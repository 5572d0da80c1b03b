"""`kzmig export`: the release as its readers get it, checked against the marts.

- On the calibrated world, the key points of 2023-12-p (English, Russian and Kazakh) state
  the published figures, read from the published_figures seed as loaded into the warehouse
  (the departures change as the warehouse reproduces it, −33.8 %), and the regions with a
  positive interregional net under the names in force at the end of the period.
- Every sheet of release.xlsx equals, cell by cell, a query on the marts written here
  (the release's rows of each mart: its own period, and the dynamic tables by year and
  by month as of its cut-off); the annual row
  of the release's own year states its key points; release.json counts the rows of every
  CSV and names the release each year of the dynamic tables comes from.
- The three languages show the same figures: every number of every sheet of the English,
  Russian and Kazakh workbooks, and of the key points table; every header, sheet name and
  title has a Kazakh text, and the sheet names are valid Excel names. An unknown language
  or a missing text is refused, never replaced by another language's.
- The export reads the last publication of the marts (written only by a successful
  build): it refuses a warehouse that was never published and an unknown release id,
  and a build that failed or stopped after the publication does not change what it
  exports; it never leaves a partial release folder.
- The build log (audit.build_runs) records success, and error for a failed build and
  for one stopped in its on-run-start hook.
"""

from __future__ import annotations

import calendar
import csv
import datetime
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from kzmig import cli
from kzmig import export as release_export
from kzmig.export import formatting, tables, texts, writers
from kzmig.export import tables as release_tables
from kzmig.project import PROJECT_DIR, KzmigError
from kzmig.publish import published_path

from conftest import RELEASE_TABLES, FIXTURES_DIR, build_warehouse, copy_warehouse, query, seed_tables

RELEASE = "2023-12-p"
FIXTURE_LANDING = FIXTURES_DIR / "landing_csv"
HEADER = ("coupon_id,coupon_type,registration_date,person_id_hash,sex,birth_date,citizenship,"
          "ethnicity_code,kato_code,counterpart_country,counterpart_kato_code,reason_code,"
          "submitted_at,record_status")


# --- helpers -----------------------------------------------------------------------------

def number(text: str) -> Decimal:
    """'25,399' / '25 399' / '−33.8%' / '+46,9%' -> Decimal."""
    cleaned = (text.strip().replace(formatting.NBSP, "").replace(" ", "").replace("%", "")
               .replace(formatting.MINUS, "-").replace("+", ""))
    if "," in cleaned and "." not in cleaned and re.fullmatch(r"-?\d+,\d", cleaned):
        cleaned = cleaned.replace(",", ".")  # a Russian decimal comma
    return Decimal(cleaned.replace(",", ""))


def markdown_rows(text: str, heading: str) -> list[list[str]]:
    """The body rows of the first Markdown table after `heading`."""
    lines = text.splitlines()
    start = lines.index(heading)
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[1:]  # without the header row


def published(database: Path, release_id: str) -> dict:
    """The figures of the published_figures seed for one release, as the warehouse loaded
    it: the reproduced value where the published one is inconsistent."""
    rows = query(database, """
        select figure_code, dimension_code, dimension_rank,
            coalesce(reproduced_value, published_value) as value
        from reference.published_figures
        where release_id = ?
        order by figure_code, dimension_rank""", [release_id])
    figures = {code: value for code, dimension, rank, value in rows if dimension is None}
    figures["interregional_net"] = [(dimension, value) for code, dimension, rank, value in rows
                                    if code == "interregional_net"]
    return figures


def region_names_in_force(database: Path, on_date: str, lang: str) -> dict[str, str]:
    """Region names in force on a date, from the reference seeds (not from the marts)."""
    rows = query(database, f"""
        select regions.region_code,
            coalesce(history.region_name_{lang}, regions.region_name_{lang})
        from reference.regions as regions
        left join reference.region_name_history as history
            on regions.region_code = history.region_code
            and coalesce(history.valid_from_date, date '1900-01-01') <= cast(? as date)
            and coalesce(history.valid_to_date, date '9999-12-31') >= cast(? as date)""",
                 [on_date, on_date])
    return dict(rows)


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding=writers.CSV_ENCODING, newline="") as handle:
        return list(csv.reader(handle))


def key_points_text(folder: Path, lang: str) -> str:
    """key_points.md of a release of the (synthetic) calibrated world, without its first
    line: the synthetic-data banner, in the release's language (checked here)."""
    banner, rest = (folder / "key_points.md").read_text(encoding="utf-8").split("\n\n", 1)
    assert banner.startswith(f"**{texts.synthetic_banner(lang)}**"), banner
    return rest


def first_data_row(sheet) -> int:
    """The sheet's first row of figures: the panes are frozen above it, below the headers."""
    return int(re.sub(r"[A-Z]+", "", sheet.freeze_panes))


def sheet_rows(sheet) -> list[tuple]:
    """The rows of a table sheet below its headers, as values."""
    return list(sheet.iter_rows(min_row=first_data_row(sheet), values_only=True))


def sheet_headers(sheet) -> list:
    """The header of each column: the lower of its two header rows (a header merged over
    both rows, or under its group), between the title and the first row of figures."""
    title_row = int(sheet.print_title_rows.split(":")[0].strip("$"))
    rows = list(sheet.iter_rows(min_row=title_row + 1, max_row=first_data_row(sheet) - 1,
                                values_only=True))
    return [next((row[index] for row in reversed(rows) if row[index] is not None), None)
            for index in range(len(rows[0]))]


def levels(folder: Path, table: str) -> list[str]:
    """The row_level of every row of a table, from its CSV (rows in the sheet's order)."""
    header, *rows = read_csv(folder / f"{table}.csv")
    assert header[0] == "row_level"
    return [row[0] for row in rows]


MONTH_NAMES_EN = list(calendar.month_name)  # the standard library's, not the export's


# --- the calibrated world: figures, workbook, CSV and release.json -----------------------

@pytest.fixture(scope="module")
def exported(calibrated_warehouse, tmp_path_factory) -> dict[str, Path]:
    """2023-12-p exported in English, in Russian and in Kazakh."""
    out = tmp_path_factory.mktemp("export")
    return {lang: release_export.export_release(RELEASE, out / lang, lang=lang,
                                                warehouse=calibrated_warehouse, quiet=True)
            for lang in ("en", "ru", "kk")}


EN_LABELS = {
    "arrivals": "Arrivals in the country, people",
    "departures": "Departures from the country, people",
    "net_migration": "Net migration, people",
    "arrivals_change_pct": "Arrivals, change on",
    "departures_change_pct": "Departures, change on",
    "cis_arrivals_share_pct": "Share of the CIS countries in arrivals",
    "cis_departures_share_pct": "Share of the CIS countries in departures",
    "internal_migrants_change_pct": "People moving within the country, change on",
    "regions_with_positive_interregional_net": "Regions with a positive interregional net migration",
}
RU_LABELS = {
    "arrivals": "Прибыло в страну, человек",
    "departures": "Выбыло из страны, человек",
    "net_migration": "Сальдо миграции, человек",
    "arrivals_change_pct": "Прибывшие, изменение",
    "departures_change_pct": "Выбывшие, изменение",
    "cis_arrivals_share_pct": "Доля стран СНГ среди прибывших",
    "cis_departures_share_pct": "Доля стран СНГ среди выбывших",
    "internal_migrants_change_pct": "Переехавшие внутри страны, изменение",
    "regions_with_positive_interregional_net": "Регионов с положительным сальдо",
}
KK_LABELS = {
    "arrivals": "Елге келгендер, адам",
    "departures": "Елден кеткендер, адам",
    "net_migration": "Көші-қон сальдосы, адам",
    "arrivals_change_pct": "Келгендер, 2022\u00a0жылғы сәйкес кезеңмен салыстырғанда өзгерісі",
    "departures_change_pct": "Кеткендер, 2022\u00a0жылғы сәйкес кезеңмен салыстырғанда өзгерісі",
    "cis_arrivals_share_pct": "Келгендер ішіндегі ТМД елдерінің үлесі",
    "cis_departures_share_pct": "Кеткендер ішіндегі ТМД елдерінің үлесі",
    "internal_migrants_change_pct":
        "Ел ішінде көшкендер, 2022\u00a0жылғы сәйкес кезеңмен салыстырғанда өзгерісі",
    "regions_with_positive_interregional_net": "Оң өңіраралық көші-қон сальдосы бар өңірлер саны",
}
LABELS = {"en": EN_LABELS, "ru": RU_LABELS, "kk": KK_LABELS}
FIGURES_HEADING = {"en": "## Figures", "ru": "## Показатели", "kk": "## Көрсеткіштер"}
REGIONS_HEADING = {"en": "### Regions with a positive interregional net migration",
                   "ru": "### Регионы с положительным сальдо межрегиональной миграции",
                   "kk": "### Оң өңіраралық көші-қон сальдосы бар өңірлер"}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_key_points_table_states_the_published_figures(exported, calibrated_warehouse, lang):
    text = (exported[lang] / "key_points.md").read_text(encoding="utf-8")
    expected = published(calibrated_warehouse, RELEASE)
    labels = LABELS[lang]
    figures = markdown_rows(text, FIGURES_HEADING[lang])
    for figure_code, label in labels.items():
        matching = [value for name, value in figures if name.startswith(label)]
        assert len(matching) == 1, (figure_code, figures)
        assert number(matching[0]) == expected[figure_code], figure_code

    names = region_names_in_force(calibrated_warehouse, "2023-12-31", lang)
    regions = markdown_rows(text, REGIONS_HEADING[lang])
    assert [(name, number(value)) for name, value in regions] == [
        (names[code], value) for code, value in expected["interregional_net"]]


def test_key_points_sentences_state_the_published_figures_in_english(exported, calibrated_warehouse):
    text = (exported["en"] / "key_points.md").read_text(encoding="utf-8")
    expected = published(calibrated_warehouse, RELEASE)
    sentence = re.search(
        r"In January–December 2023, (\S+)\u00a0people arrived in Kazakhstan from abroad and "
        r"(\S+)\u00a0people left the country for abroad: a net migration of (\S+)\u00a0people\.",
        text)
    assert sentence, text
    assert [number(group) for group in sentence.groups()] == [
        expected["arrivals"], expected["departures"], expected["net_migration"]]

    changes = re.search(r"Compared with the same period of 2022, the number of arrivals in "
                        r"Kazakhstan (increased|decreased) by (\S+)% and the number of departures "
                        r"from Kazakhstan (increased|decreased) by (\S+)%\.", text)
    assert changes, text
    signed = [number(changes[2]) * (1 if changes[1] == "increased" else -1),
              number(changes[4]) * (1 if changes[3] == "increased" else -1)]
    assert signed == [expected["arrivals_change_pct"], expected["departures_change_pct"]]

    cis = re.search(r"Arrivals from the CIS countries made up (\S+)% of all arrivals, and "
                    r"departures to the CIS countries (\S+)% of all departures\.", text)
    assert cis and [number(cis[1]), number(cis[2])] == [
        expected["cis_arrivals_share_pct"], expected["cis_departures_share_pct"]]

    internal = re.search(r"the number of people moving within the country (increased|decreased) "
                         r"by (\S+)%", text)
    assert internal and number(internal[2]) * (1 if internal[1] == "increased" else -1) == \
        expected["internal_migrants_change_pct"]

    names = region_names_in_force(calibrated_warehouse, "2023-12-31", "en")
    listed = re.search(r"positive net migration in (\d+) regions? of the country: (.+)\.\n", text)
    assert listed and int(listed[1]) == expected["regions_with_positive_interregional_net"]
    pairs = re.findall(r"([^,(]+?) \((\S+)\u00a0people\)", listed[2])
    assert [(name.strip().removeprefix("and "), number(value)) for name, value in pairs] == [
        (names[code], value) for code, value in expected["interregional_net"]]


def test_key_points_sentences_state_the_published_figures_in_russian(exported, calibrated_warehouse):
    text = (exported["ru"] / "key_points.md").read_text(encoding="utf-8")
    expected = published(calibrated_warehouse, RELEASE)
    sentence = re.search(r"В январе–декабре 2023\u00a0года число прибывших в Казахстан из-за рубежа "
                         r"составило ([\d\u00a0]+)\u00a0человек\w*, число выбывших из страны за "
                         r"рубеж — ([\d\u00a0]+)\u00a0человек\w*; сальдо миграции — "
                         r"([−\d\u00a0]+)\u00a0человек\w*\.", text)
    assert sentence, text
    assert [number(group) for group in sentence.groups()] == [
        expected["arrivals"], expected["departures"], expected["net_migration"]]
    changes = re.search(r"число прибывших в Казахстан (увеличилось|уменьшилось) на\u00a0(\S+)\u00a0?%, "
                        r"число выбывших из Казахстана (увеличилось|уменьшилось) на\u00a0(\S+)\u00a0?%", text)
    assert changes, text
    assert [number(changes[2]) * (1 if changes[1] == "увеличилось" else -1),
            number(changes[4]) * (1 if changes[3] == "увеличилось" else -1)] == [
        expected["arrivals_change_pct"], expected["departures_change_pct"]]
    names = region_names_in_force(calibrated_warehouse, "2023-12-31", "ru")
    for code, value in expected["interregional_net"]:
        shown = formatting.format_integer(int(value), "ru")
        assert f"{names[code]} ({shown}\u00a0человек" in text


def test_key_points_sentences_state_the_published_figures_in_kazakh(exported, calibrated_warehouse):
    """25 399 arrived, 16 055 left, net 9 344; +46,9% / −33,8% on 2022; CIS 86,3% / 77,3%;
    internal moves +27,5%; the three regions with a positive interregional net: the
    figures of the published_figures seed and of marts.release_key_points, in the Kazakh
    sentences (numbers with no-break spaces, decimal commas)."""
    text = key_points_text(exported["kk"], "kk")
    expected = published(calibrated_warehouse, RELEASE)
    internal_migrants, internal_change = query(calibrated_warehouse, """
        select internal_migrants, internal_migrants_change_pct from marts.release_key_points
        where release_id = ?""", [RELEASE])[0]
    assert text.startswith("# Қазақстан Республикасы халқының көші-қоны, "
                           "2023\u00a0жылғы қаңтар–желтоқсан\n"), text
    sentence = re.search(
        r"- 2023\u00a0жылғы қаңтар–желтоқсанда Қазақстанға шетелден ([\d\u00a0]+)\u00a0адам "
        r"келді, елден шетелге ([\d\u00a0]+)\u00a0адам кетті; көші-қон сальдосы — "
        r"([−\d\u00a0]+)\u00a0адам\.", text)
    assert sentence, text
    assert [number(group) for group in sentence.groups()] == [
        expected["arrivals"], expected["departures"], expected["net_migration"]]
    assert sentence[1] == formatting.format_integer(int(expected["arrivals"]), "kk")
    assert "\u00a0" in sentence[1]  # 25 399: groups joined by a no-break space

    changes = re.search(r"2022\u00a0жылғы сәйкес кезеңмен салыстырғанда Қазақстанға келгендер "
                        r"саны (\S+)%-ға (артты|азайды), Қазақстаннан кеткендер саны "
                        r"(\S+)%-ға (артты|азайды)\.", text)
    assert changes, text
    assert [number(changes[1]) * (1 if changes[2] == "артты" else -1),
            number(changes[3]) * (1 if changes[4] == "артты" else -1)] == [
        expected["arrivals_change_pct"], expected["departures_change_pct"]]
    assert "," in changes[1] and "." not in changes[1]  # a decimal comma

    cis = re.search(r"Елге келгендердің жалпы санындағы ТМД елдерінің үлесі (\S+)% болды, "
                    r"елден кеткендердің жалпы санындағы үлесі — (\S+)%\.", text)
    assert cis, text
    assert [number(cis[1]), number(cis[2])] == [
        expected["cis_arrivals_share_pct"], expected["cis_departures_share_pct"]]

    internal = re.search(r"2022\u00a0жылғы сәйкес кезеңмен салыстырғанда ел ішінде көшкендер "
                         r"саны (\S+)%-ға (артты|азайды): 2023\u00a0жылғы қаңтар–желтоқсанда "
                         r"ел ішінде ([\d\u00a0]+)\u00a0адам көшті\.", text)
    assert internal, text
    assert number(internal[1]) * (1 if internal[2] == "артты" else -1) == \
        expected["internal_migrants_change_pct"]
    assert number(internal[1]) == formatting.round_half_away_from_zero(internal_change, 1)
    assert number(internal[3]) == internal_migrants

    names = region_names_in_force(calibrated_warehouse, "2023-12-31", "kk")
    listed = re.search(r"Өңіраралық көші-қон бойынша елдің (\d+)\u00a0өңірінде оң көші-қон "
                       r"сальдосы қалыптасты: (.+)\.\n", text)
    assert listed, text
    assert int(listed[1]) == expected["regions_with_positive_interregional_net"]
    pairs = re.findall(r"([^,(]+?) \(([−\d\u00a0]+)\u00a0адам\)", listed[2])
    assert [(name.strip().removeprefix("және "), number(value)) for name, value in pairs] == [
        (names[code], value) for code, value in expected["interregional_net"]]
    # no English or Russian words in the Kazakh key points
    for word in ("people", "Arrivals", "человек", "Прибыло", "сальдо миграции"):
        assert word not in text, word


@pytest.mark.parametrize("release_id, month_nominative, month_locative", [
    ("2023-09-p", "қыркүйек", "қыркүйекте"),  # compared with 2022-09-p
    ("2021-09-p", "қыркүйек", "қыркүйекте"),  # no release of 2020 to compare with
    ("2022-06-p", "маусым", "маусымда"),
])
def test_kazakh_key_points_of_part_of_a_year_with_and_without_a_comparison(
        calibrated_warehouse, tmp_path, release_id, month_nominative, month_locative):
    """The period in Kazakh in the title and "in the period" (locative), the figures of
    marts.release_key_points, and, without a comparison release, the changes stated as not
    given («келтірілмейді», «деректер жоқ»), not in another language."""
    folder = release_export.export_release(release_id, tmp_path, lang="kk",
                                           warehouse=calibrated_warehouse, quiet=True)
    text = key_points_text(folder, "kk")
    (year, arrivals, departures, net, internal, comparison, arrivals_change,
     regions) = query(calibrated_warehouse, """
        select period_year, arrivals, departures, net_migration, internal_migrants,
            comparison_release_id, arrivals_change_pct, regions_with_positive_interregional_net
        from marts.release_key_points where release_id = ?""", [release_id])[0]
    people = {name: formatting.people(value, "kk") for name, value in (
        ("arrivals", arrivals), ("departures", departures), ("net", net), ("internal", internal))}
    assert text.startswith(f"# Қазақстан Республикасы халқының көші-қоны, "
                           f"{year}\u00a0жылғы қаңтар–{month_nominative}\n")
    assert (f"- {year}\u00a0жылғы қаңтар–{month_locative} Қазақстанға шетелден "
            f"{people['arrivals']} келді, елден шетелге {people['departures']} кетті; "
            f"көші-қон сальдосы — {people['net']}.") in text
    assert f"{year}\u00a0жылғы қаңтар–{month_locative} ел ішінде {people['internal']} көшті." in text
    assert f"елдің {regions}\u00a0өңірінде оң көші-қон сальдосы қалыптасты: " in text
    figures = dict(markdown_rows(text, FIGURES_HEADING["kk"]))
    if comparison is None:
        assert ("- Өткен жылдың сәйкес кезеңімен салыстырғандағы өзгерістер келтірілмейді: "
                "деректер қоймасында осы кезеңге сол редакциядағы шығарылым жоқ.") in text
        assert figures["Келгендер, өткен жылдың сәйкес кезеңімен салыстырғанда өзгерісі"] == \
            "деректер жоқ"
        assert "осы кезең үшін салыстыратын шығарылым жоқ" in text
    else:
        compared = f"Келгендер, {year - 1}\u00a0жылғы сәйкес кезеңмен салыстырғанда өзгерісі"
        assert number(figures[compared]) == formatting.round_half_away_from_zero(arrivals_change, 1)
        assert f"осы шығарылым {comparison} шығарылымымен салыстырылады" in text
    for word in ("people", "not available", "человек", "нет данных"):
        assert word not in text, word


@pytest.mark.parametrize("release_id, period_end, expected_name", [
    ("2021-12-p", "2021-12-31", "Nur-Sultan"),
    ("2022-06-p", "2022-06-30", "Nur-Sultan"),
    ("2022-09-p", "2022-09-30", "Astana"),
])
def test_key_points_name_the_capital_as_at_the_end_of_the_period(
        calibrated_warehouse, tmp_path, release_id, period_end, expected_name):
    folder = release_export.export_release(release_id, tmp_path, warehouse=calibrated_warehouse,
                                           quiet=True)
    names = region_names_in_force(calibrated_warehouse, period_end, "en")
    assert names["71"] == expected_name  # the reference data says so
    regions = dict(markdown_rows((folder / "key_points.md").read_text(encoding="utf-8"),
                                 REGIONS_HEADING["en"]))
    capital_net = query(calibrated_warehouse, """
        select interregional_net from marts.migration_by_region_annual
        where release_id = ? and source_release_id = release_id and region_code = '71'""",
                        [release_id])[0][0]
    if capital_net > 0:
        assert number(regions[expected_name]) == capital_net
    workbook = openpyxl.load_workbook(folder / "release.xlsx")
    by_region = {row[0]: row[1] for row in sheet_rows(workbook["By region"])}
    assert by_region["71"] == expected_name


# The English name of a population basis, as the release shows it beside the intensity
def release_labels(lang: str) -> dict[str, str]:
    """The words the release tables show in `lang`: the seed release_labels_<lang>."""
    path = PROJECT_DIR / "seeds" / "labels" / f"release_labels_{lang}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["label_code"]: row["label"] for row in csv.DictReader(handle)}


BASIS_EN = "case population_basis_code " + " ".join(
    f"when '{code.split('.', 1)[1]}' then '{name}'".replace("table's", "table''s")
    for code, name in release_labels("en").items()
    if code.startswith("population_basis.")) + " end"

# Each sheet of the workbook and the query on the marts it must equal (written here, apart
# from the export's own SQL). $release_id, $period_year and $period_end_month are 2023-12-p's.
# The release's own tables: the rows of its own year (by year: source_release_id is the
# release itself) or of its own period (the cumulative marts).
SHEET_QUERIES = {
    "By region": """
        select region_code, region_name_en, arrivals, departures, net_migration,
            external_arrivals, external_departures, external_net_migration,
            interregional_arrivals, interregional_departures, interregional_net, intraregional_moves
        from marts.migration_by_region_annual
        where release_id = $release_id and year = $period_year
        order by region_code""",
    "External by country": """
        select by_country.country_code, dim_country.country_short_name_en,
            case when by_country.is_cis then 'CIS countries' else 'Other countries' end,
            by_country.arrivals, by_country.departures, by_country.net_migration
        from marts.external_migration_by_country_annual as by_country
        inner join marts.dim_country as dim_country using (country_code)
        where by_country.release_id = $release_id and by_country.year = $period_year
        order by by_country.is_cis desc, by_country.arrivals desc, by_country.departures desc,
            by_country.country_code""",
    "Ethnic structure %": """
        select dim_ethnic_group.ethnic_group_name_en,
            by_group.arrivals_share_pct, by_group.departures_share_pct,
            by_group.arrivals, by_group.departures
        from marts.external_migration_by_ethnic_group_cumulative as by_group
        inner join marts.dim_ethnic_group as dim_ethnic_group using (ethnic_group_code)
        where by_group.release_id = $release_id and by_group.period_year = $period_year
            and by_group.period_end_month = $period_end_month
        order by by_group.ethnic_group_code""",
    "Interregional net": """
        select region_code, region_name_en, interregional_arrivals, interregional_departures,
            interregional_net
        from marts.migration_by_region_annual
        where release_id = $release_id and year = $period_year
        order by region_code""",
    # the dynamic tables: every year the marts hold for the release (2023-12-p covers the
    # whole year)
    "Annual external": """
        select year, arrivals, departures, net_migration, cis_arrivals_share_pct,
            cis_departures_share_pct, arrivals_change_pct, departures_change_pct,
            change_base_release_id, external_arrivals_per_1000_average_population,
            external_departures_per_1000_average_population,
            external_net_migration_per_1000_average_population,
            population, """ + BASIS_EN + """, population_start_date,
            population_end_date, source_release_id
        from marts.migration_annual where release_id = $release_id
        order by year""",
    # the intensity table of the release's year: the republic first, then the regions
    "Intensity per 1,000": """
        select intensity.territory_code,
            coalesce(by_region.region_name_en, 'Republic of Kazakhstan'),
            intensity.arrivals_per_1000_basis_population, intensity.departures_per_1000_basis_population,
            intensity.net_migration_per_1000_basis_population, intensity.population,
            """ + BASIS_EN.replace("population_basis_code", "intensity.population_basis_code") + """,
            intensity.population_start_date,
            intensity.population_end_date
        from marts.migration_intensity_annual as intensity
        left join marts.migration_by_region_annual as by_region
            on intensity.release_id = by_region.release_id and intensity.year = by_region.year
            and intensity.territory_code = by_region.region_code
        where intensity.release_id = $release_id and intensity.year = $period_year
        order by intensity.territory_code <> 'KZ', intensity.territory_code""",
    "Annual by country": """
        select by_country.year, by_country.country_code, dim_country.country_short_name_en,
            case when by_country.is_cis then 'CIS countries' else 'Other countries' end,
            by_country.arrivals, by_country.departures, by_country.net_migration,
            by_country.source_release_id
        from marts.external_migration_by_country_annual as by_country
        inner join marts.dim_country as dim_country using (country_code)
        where by_country.release_id = $release_id
        order by by_country.year, by_country.is_cis desc, by_country.arrivals desc,
            by_country.departures desc, by_country.country_code""",
    "Annual net by region": """
        select annual.year, annual.region_code, dim_region.region_name_en, annual.arrivals,
            annual.departures, annual.net_migration, annual.external_net_migration, annual.interregional_net,
            annual.intraregional_moves, annual.source_release_id
        from marts.migration_by_region_annual as annual
        inner join marts.dim_region as dim_region using (region_code)
        where annual.release_id = $release_id order by annual.year, annual.region_code""",
    "Monthly net by region": """
        select monthly.year, monthly.month, monthly.region_code, dim_region.region_name_en,
            monthly.arrivals, monthly.departures, monthly.net_migration, monthly.external_net_migration,
            monthly.interregional_net, monthly.intraregional_moves, monthly.source_release_id
        from marts.migration_by_region_monthly as monthly
        inner join marts.dim_region as dim_region using (region_code)
        where monthly.release_id = $release_id
        order by monthly.year, monthly.month, monthly.region_code""",
    "Monthly external": """
        select year, month, arrivals, departures, net_migration, cis_arrivals, cis_departures,
            cis_arrivals_share_pct, cis_departures_share_pct, source_release_id
        from marts.migration_monthly where release_id = $release_id
        order by year, month""",
    "Monthly internal": """
        select year, month, internal_migrants, interregional_migrants, intraregional_migrants,
            source_release_id
        from marts.migration_monthly where release_id = $release_id
        order by year, month""",
}


RELEASE_ID = re.compile(r"\d{4}-\d{2}-[pr]")


def assert_same_rows(sheet_rows: list[tuple], mart_rows: list[tuple], sheet: str) -> None:
    assert len(sheet_rows) == len(mart_rows), sheet
    for index, (got, want) in enumerate(zip(sheet_rows, mart_rows)):
        assert len(got) == len(want), (sheet, index)
        for column, (cell, value) in enumerate(zip(got, want)):
            if isinstance(value, datetime.date) and isinstance(cell, datetime.datetime):
                cell = cell.date()  # a date cell reads back as a datetime
            if isinstance(value, float):
                # a stored 0.0 reads back as the integer 0
                assert isinstance(cell, (int, float)) and cell == pytest.approx(value, rel=1e-12), \
                    (sheet, index, column)
            elif isinstance(value, str) and RELEASE_ID.fullmatch(value):
                # a release by its period and vintage (the CSV and the mart keep its id)
                assert cell in {texts.release_label(value, lang) for lang in tables.LANGUAGES}, \
                    (sheet, index, column, cell, value)
            else:
                assert cell == value, (sheet, index, column, cell, value)


PEOPLE_TABLE_NAMES = ("migration_by_sex_and_age", "migration_by_sex_and_working_age",
                      "migration_by_reason", "external_migration_by_citizenship")
SHEET_TABLES = {table.sheet("en"): table.name for table in RELEASE_TABLES}


def test_every_sheet_of_the_workbook_equals_the_marts(exported, calibrated_warehouse):
    """The item rows of every sheet (row_level 'item' in its CSV) equal the marts, months
    by their English names; the total rows are checked by the next tests."""
    folder = exported["en"]
    workbook = openpyxl.load_workbook(folder / "release.xlsx")
    parameters = {"release_id": RELEASE, "period_year": 2023, "period_end_month": 12}
    import duckdb

    with duckdb.connect(str(calibrated_warehouse), read_only=True) as connection:
        def mart(sql: str) -> list[tuple]:
            used = {name: value for name, value in parameters.items() if f"${name}" in sql}
            return connection.execute(sql, used).fetchall()

        # the calibrated world is synthetic: row 1 of every sheet is the banner
        # (tests/python/test_synthetic_mark.py), then the title, the headers and the rows
        assert {sheet["A1"].value for sheet in workbook.worksheets} == {"Synthetic data — not official statistics."}
        checked = set()
        for sheet_name, sql in SHEET_QUERIES.items():
            sheet = workbook[sheet_name]
            headers = sheet_headers(sheet)
            assert all(isinstance(header, str) and header for header in headers), sheet_name
            rows = sheet_rows(sheet)
            row_levels = levels(folder, SHEET_TABLES[sheet_name])
            assert len(rows) == len(row_levels), sheet_name
            # the rows of the marts: all of them in a table without summed totals (the
            # intensity table's Republic row is the mart's own)
            summed = bool(RELEASE_TABLES[[t.name for t in RELEASE_TABLES].index(
                SHEET_TABLES[sheet_name])].label)
            items = [row for row, level in zip(rows, row_levels) if level == "item" or not summed]
            assert items, sheet_name
            expected = mart(sql)
            if "Month" in headers:
                at = headers.index("Month")
                expected = [(*row[:at], MONTH_NAMES_EN[row[at]], *row[at + 1:]) for row in expected]
            assert_same_rows(items, expected, sheet_name)
            # counts are stored as numbers with a thousands format, not as text
            for cell in sheet[first_data_row(sheet)]:
                if isinstance(cell.value, (int, float)):
                    assert cell.number_format in ("#,##0", "0.0", "0"), (sheet_name, cell.coordinate)
            checked.add(sheet_name)

        # the origin-destination matrix: origins down, destinations across, totals first
        sheet = workbook["Interregional flows"]
        axis = mart("""select region_code, region_name_en from marts.migration_by_region_annual
                       where release_id = $release_id and year = $period_year
                       order by region_code""")
        flows = {(origin, destination): migrants for origin, destination, migrants in mart("""
            select origin_region_code, destination_region_code, migrants
            from marts.interregional_flows_annual
            where release_id = $release_id and year = $period_year""")}
        assert sheet_headers(sheet)[2:] == ["Total", *(name for _, name in axis)]
        total_row, *matrix = sheet_rows(sheet)
        assert total_row[:2] == (None, "Total")
        assert [(row[0], row[1]) for row in matrix] == axis
        for row, (origin, _) in zip(matrix, axis):
            for cell, (destination, _) in zip(row[3:], axis):
                expected = None if origin == destination else flows.get((origin, destination), 0)
                assert cell == expected, (origin, destination)
        assert sum(flows.values()) == sum(cell for row in matrix for cell in row[3:] if cell)
        checked.add("Interregional flows")

    # the people's tables, with their withheld cells: tests/python/test_people.py
    checked |= {table.sheet("en") for table in RELEASE_TABLES
                if table.name in PEOPLE_TABLE_NAMES}

    # the key figures first: marts.release_key_figures, figure by figure
    key_figures = workbook.worksheets[0]
    assert key_figures.title == "Key figures"
    with duckdb.connect(str(published_path(calibrated_warehouse)), read_only=True) as connection:
        figures = connection.execute("""
            select figure_name_en, figure_value, comparison_release_id
            from marts.release_key_figures where release_id = ? order by row_order""",
                                     [RELEASE]).fetchall()
    assert_same_rows(sheet_rows(key_figures), figures, "Key figures")
    checked.add("Key figures")

    glossary = workbook["Glossary and notes"]
    texts = [cell for row in glossary.iter_rows(values_only=True) for cell in row if cell]
    assert RELEASE in texts and "Net migration" in texts
    checked.add("Glossary and notes")
    assert set(workbook.sheetnames) == checked


# The columns of each sheet in its release table (a label: `<column>_<lang>`), written here
# apart from the export's own mapping; the months by name in the sheet.
RELEASE_TABLE_COLUMNS = {
    "migration_by_region": "region_code region_name arrivals departures net_migration "
        "external_arrivals external_departures external_net_migration interregional_arrivals "
        "interregional_departures interregional_net intraregional_moves",
    "external_migration_by_country": "country_code country_name country_group_name arrivals "
        "departures net_migration",
    "external_migration_annual": "year arrivals departures net_migration cis_arrivals_share_pct "
        "cis_departures_share_pct arrivals_change_pct departures_change_pct "
        "change_base_release_id external_arrivals_per_1000_average_population "
        "external_departures_per_1000_average_population external_net_migration_per_1000_average_population "
        "population population_basis_name population_start_date population_end_date "
        "source_release_id",
    "migration_by_reason": "region_code region_name flow_name reason_name "
        "arrivals departures net_migration",
}


@pytest.mark.parametrize("lang", ["en", "kk"])
def test_a_query_of_a_published_release_table_gives_what_the_workbook_shows(
        exported, calibrated_warehouse, lang):
    """The published marts file holds the release tables: `select … from
    marts.release_<table> where release_id = … order by row_order` on it gives the sheet of
    release.xlsx row for row and cell for cell (labels in the sheet's language, a withheld
    count `x` where its status is not F), and the CSV's row_level."""
    workbook = openpyxl.load_workbook(exported[lang] / "release.xlsx")
    published = published_path(calibrated_warehouse)
    for name, columns in RELEASE_TABLE_COLUMNS.items():
        table = next(table for table in RELEASE_TABLES if table.name == name)
        with duckdb.connect(str(published), read_only=True) as connection:
            cursor = connection.execute(
                f"select * from marts.release_{name} where release_id = ? order by row_order",
                [RELEASE])
            names = [description[0] for description in cursor.description]
            records = [dict(zip(names, row)) for row in cursor.fetchall()]
        assert records, name
        expected = []
        for record in records:
            row = []
            for column in columns.split():
                value = record[column] if column in record else record[f"{column}_{lang}"]
                status = record.get(column + "_status")
                if status is not None and status != "F":
                    value = "x"
                row.append(value)
            expected.append(tuple(row))
        assert_same_rows(sheet_rows(workbook[table.sheet(lang)]), expected, name)
        assert levels(exported[lang], name) == [record["row_level"] for record in records]
    # the people's table shows withheld cells (the calibrated world has some)
    statuses = query(published, """
        select count(*) filter (where arrivals_status <> 'F'), count(*)
        from marts.release_migration_by_reason where release_id = ?""", [RELEASE])[0]
    assert 0 < statuses[0] < statuses[1]


def numeric_cells(sheet) -> dict[tuple[int, int], object]:
    """The numbers of a sheet by (row, column); text and empty cells left out."""
    return {(cell.row, cell.column): cell.value for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool)}


def test_the_three_languages_show_the_same_figures(exported, calibrated_warehouse):
    """Every sheet of the English, Russian and Kazakh workbooks holds the same numbers in the
    same cells (and text where the others hold text); the names are the marts' names in
    each language; the key points tables state the same values; the CSV files differ only
    in the names."""
    workbooks = {lang: openpyxl.load_workbook(exported[lang] / "release.xlsx")
                 for lang in ("en", "ru", "kk")}
    counts = {lang: len(workbook.sheetnames) for lang, workbook in workbooks.items()}
    # the key figures, every table, the glossary
    assert counts["en"] == counts["ru"] == counts["kk"] == len(RELEASE_TABLES) + 2, counts
    for position, table in enumerate(RELEASE_TABLES, start=1):
        sheets = {lang: workbook.worksheets[position] for lang, workbook in workbooks.items()}
        assert {lang: sheet.title for lang, sheet in sheets.items()} == {
            lang: table.sheet(lang) for lang in sheets}
        numbers = {lang: numeric_cells(sheet) for lang, sheet in sheets.items()}
        assert numbers["en"], table.name
        assert numbers["ru"] == numbers["en"], table.name
        assert numbers["kk"] == numbers["en"], table.name
        shapes = {lang: (sheet.max_row, sheet.max_column) for lang, sheet in sheets.items()}
        assert shapes["ru"] == shapes["en"] and shapes["kk"] == shapes["en"], (table.name, shapes)
        text_cells = {lang: {(cell.row, cell.column) for row in sheet.iter_rows() for cell in row
                             if isinstance(cell.value, str)} for lang, sheet in sheets.items()}
        assert text_cells["ru"] == text_cells["en"] and text_cells["kk"] == text_cells["en"], \
            table.name
    # the names are each language's names of the marts (in force at the end of the period),
    # the total row each language's label of the Republic
    for lang, workbook in workbooks.items():
        names = region_names_in_force(calibrated_warehouse, "2023-12-31", lang)
        rows = sheet_rows(workbook[RELEASE_TABLES[0].sheet(lang)])
        row_levels = levels(exported[lang], RELEASE_TABLES[0].name)
        items = [row for row, level in zip(rows, row_levels) if level == "item"]
        assert items and all(row[1] == names[row[0]] for row in items), lang
        assert [row[1] for row, level in zip(rows, row_levels) if level == "total"] == [
            release_labels(lang)["republic"]]
    kazakh = sheet_rows(workbooks["kk"][RELEASE_TABLES[0].sheet("kk")])
    assert [row[1] for row in kazakh[:2]] == ["Қазақстан Республикасы", "Абай облысы"]

    # the key points tables: the same values, written the way of each language
    figures = {lang: [number(value) for _, value in markdown_rows(
        (exported[lang] / "key_points.md").read_text(encoding="utf-8"), FIGURES_HEADING[lang])]
        for lang in exported}
    assert figures["ru"] == figures["en"] and figures["kk"] == figures["en"]
    assert len(figures["en"]) == 10

    # the CSV files: the same rows but for the words in the language (names, labels)
    for table in RELEASE_TABLES:
        csv_rows = {lang: read_csv(exported[lang] / f"{table.name}.csv") for lang in exported}
        name_columns = {index for index, key in enumerate(csv_rows["en"][0])
                        if key.endswith("_name") or key in ("country_group", "population_basis")}
        assert len(csv_rows["kk"]) == len(csv_rows["en"]) == len(csv_rows["ru"]), table.name
        for lang in ("ru", "kk"):
            assert csv_rows[lang][0] == csv_rows["en"][0]
            for got, want in zip(csv_rows[lang][1:], csv_rows["en"][1:]):
                assert [value for index, value in enumerate(got) if index not in name_columns] == \
                    [value for index, value in enumerate(want) if index not in name_columns], \
                    table.name


KAZAKH_LETTERS = set("әғқңөұүһі")
SAME_IN_RUSSIAN = {"Код", "Этнос"}  # headers that are the same word in Kazakh and Russian
EXCEL_FORBIDDEN = set("[]:*?/\\")


def valid_sheet_name(name: str) -> bool:
    return (0 < len(name) <= 31 and not EXCEL_FORBIDDEN & set(name)
            and not name.startswith("'") and not name.endswith("'"))


def test_every_header_sheet_name_and_title_has_a_kazakh_text():
    for table in seed_tables():
        assert table.sheet("kk") and table.title("kk", "{period}"), table.name
        assert valid_sheet_name(table.sheet("kk")), table.sheet("kk")
        # {period} where the English title has it, and nowhere else
        assert ("{period}" in table.titles["kk"]) == ("{period}" in table.titles["en"]), table.name
        assert table.title("kk", "P") != table.title("en", "P")
        assert KAZAKH_LETTERS & set(table.titles["kk"].lower()), table.titles["kk"]
        for column in table.columns:
            header_kk = column.header("kk")
            # not an untranslated copy (but for the words Kazakh shares with Russian)
            assert header_kk != column.header("en"), column.key
            assert header_kk != column.header("ru") or header_kk in SAME_IN_RUSSIAN, \
                (table.name, column.key, header_kk)
            if column.group("en"):
                assert column.group("kk") not in (column.group("en"), column.group("ru"))
        if table.matrix is not None:
            assert table.matrix.corner("kk") == "Қайдан \\ қайда"
    for lang in tables.LANGUAGES:
        names = [table.sheet(lang) for table in RELEASE_TABLES]
        assert len(set(names)) == len(names), lang
        assert all(valid_sheet_name(name) for name in names), lang
    assert tables.LANGUAGES == ("en", "ru", "kk")
    # the words the release tables show: every code in every language, Kazakh in Kazakh
    labels = {lang: release_labels(lang) for lang in tables.LANGUAGES}
    assert set(labels["kk"]) == set(labels["en"]) == set(labels["ru"])
    assert (labels["kk"]["country_group.cis"], labels["kk"]["country_group.other"]) == (
        "ТМД елдері", "Басқа елдер")
    assert labels["kk"]["total"] == "Барлығы"
    assert all(labels["kk"][code] != labels["en"][code] for code in labels["kk"])
    assert [formatting.month_name(month, "kk") for month in (1, 9, 12)] == [
        "қаңтар", "қыркүйек", "желтоқсан"]
    assert set(texts.GLOSSARY) == set(tables.LANGUAGES)
    assert [text is None for _, text in texts.GLOSSARY["kk"]] == [
        text is None for _, text in texts.GLOSSARY["en"]]
    assert all(KAZAKH_LETTERS & set(f"{term} {text}".lower())
               for term, text in texts.GLOSSARY["kk"] if text)


def test_the_kazakh_workbook_names_its_sheets_validly_and_carries_the_glossary(exported):
    workbook = openpyxl.load_workbook(exported["kk"] / "release.xlsx")
    assert all(valid_sheet_name(name) for name in workbook.sheetnames), workbook.sheetnames
    glossary = workbook[workbook.sheetnames[-1]]
    cells = [cell for row in glossary.iter_rows(values_only=True) for cell in row if cell]
    assert "Шығарылым туралы" in cells and RELEASE in cells and "алдын ала" in cells
    assert "2023\u00a0жылғы қаңтар–желтоқсан" in cells
    assert "Көші-қон сальдосы" in cells and "Халықтың көші-қоны" in cells
    sheet = workbook[RELEASE_TABLES[0].sheet("kk")]
    title = sheet.cell(row=2, column=1).value  # below the synthetic banner
    assert title == ("Халықтың өңірлер бойынша көші-қоны, 2023\u00a0жылғы қаңтар–желтоқсан "
                     f"({RELEASE}), адам")
    document = json.loads((exported["kk"] / "release.json").read_text(encoding="utf-8"))
    assert document["language"] == "kk"
    assert [table["sheet"] for table in document["tables"]] == workbook.sheetnames[:-1]


def blocks(rows: list[tuple], row_levels: list[str], keys: int) -> list[tuple[tuple, list[str], list[tuple]]]:
    """The rows of a sheet cut into its blocks: (total row, its level, the item rows it
    sums). A 'total' sums every item of its key columns (the first `keys` columns: the
    year, the month); a 'subtotal' sums the items that follow it up to the next total or
    subtotal."""
    found = []
    for index, (row, level) in enumerate(zip(rows, row_levels)):
        if level == "item":
            continue
        parts = []
        for later, later_level in zip(rows[index + 1:], row_levels[index + 1:]):
            if later[:keys] != row[:keys]:
                break
            if later_level == "total" or (level == "subtotal" and later_level == "subtotal"):
                break
            if later_level == "item":
                parts.append(later)
        found.append((row, level, parts))
    return found


def column_sum(rows: list[tuple], at: int):
    return sum(row[at] for row in rows)


# The tables with total rows: the sheet, its key columns (a total is within them), the
# columns that hold counts (summed) and the share columns summed on a 100 % row.
# The republic's arrivals and departures are its external ones (doc block arrivals), not the
# sum of its regions' (moves between them stay inside it): those columns are left out here
# and checked against the external columns (REPUBLIC_EXTERNAL) or by the dbt test
# assert_release_republic_flows_are_external (the dynamic tables by region).
REPUBLIC_EXTERNAL = {"By region": {2: 5, 3: 6}}
TOTALLED = {
    "By region": (0, [4, 5, 6, 7, 8, 9, 10, 11], []),
    "External by country": (0, [3, 4, 5], []),
    "Ethnic structure %": (0, [3, 4], [1, 2]),
    "Interregional net": (0, [2, 3, 4], []),
    "Annual by country": (1, [4, 5, 6], []),
    "Annual net by region": (1, [5, 6, 7, 8], []),
    "Monthly net by region": (2, [6, 7, 8, 9], []),
}


def test_every_total_and_subtotal_row_is_the_sum_of_its_parts(exported):
    """In the workbook: the Republic of Kazakhstan above the regions (its arrivals and
    departures the external ones), the total above the
    CIS subtotal and its countries and the other countries' subtotal and its countries,
    the 100 % row above the ethnic groups: each equals the sum of the rows beneath it."""
    for lang, folder in exported.items():
        workbook = openpyxl.load_workbook(folder / "release.xlsx")
        for sheet_name, (keys, counts, shares) in TOTALLED.items():
            table = next(table for table in RELEASE_TABLES if table.sheet("en") == sheet_name)
            rows = sheet_rows(workbook[table.sheet(lang)])
            row_levels = levels(folder, table.name)
            found = blocks(rows, row_levels, keys)
            assert found, (lang, sheet_name)
            # a total row per key (the whole table, or each year / month), on top of its keys
            key_values = {row[:keys] for row, level in zip(rows, row_levels) if level == "item"}
            assert sorted(row[:keys] for row, level, _ in found if level == "total") == sorted(key_values)
            for row, level, parts in found:
                assert parts, (lang, sheet_name, row)
                for at in counts:
                    assert row[at] == column_sum(parts, at), (lang, sheet_name, row, at)
                for at, external in REPUBLIC_EXTERNAL.get(sheet_name, {}).items():
                    assert row[at] == column_sum(parts, external) == row[external]
                for at in shares:
                    assert round(row[at], 9) == 100 and round(column_sum(parts, at), 9) == 100
            if sheet_name in ("External by country", "Annual by country"):
                # the total is the sum of the two subtotals, and each country is in one of them
                for key in key_values:
                    total, *subtotals = [(row, parts) for row, level, parts in found if row[:keys] == key]
                    assert [row[keys + 1] for row, _ in subtotals] == [
                        release_labels(lang)["country_group.cis"],
                        release_labels(lang)["country_group.other"]]
                    assert sum(len(parts) for _, parts in subtotals) == len(total[1])
                    for at in counts:
                        assert total[0][at] == sum(row[at] for row, _ in subtotals)
                    for (row, parts) in subtotals:
                        assert {part[keys + 2] for part in parts} == {row[keys + 1]} == {
                            row[keys + 2]}


def test_the_total_rows_equal_the_countrys_figures_in_the_marts(exported, calibrated_warehouse):
    """The totals summed by the export equal what the marts hold for the whole country: the
    Republic's external arrivals and departures and the countries' total are the key
    points; the CIS subtotal is the CIS part of migration_annual; the interregional
    arrivals and departures of the Republic both equal all moves between regions, its
    interregional net is 0; the matrix's totals are its regions' interregional departures
    (rows) and arrivals (columns), and its corner all interregional moves of the year."""
    folder = exported["en"]
    workbook = openpyxl.load_workbook(folder / "release.xlsx")
    arrivals, departures, net = query(calibrated_warehouse, """
        select arrivals, departures, net_migration from marts.release_key_points
        where release_id = ?""", [RELEASE])[0]
    cis_arrivals, cis_departures = query(calibrated_warehouse, """
        select cis_arrivals, cis_departures from marts.migration_annual
        where release_id = ? and source_release_id = release_id""", [RELEASE])[0]
    interregional, = query(calibrated_warehouse, """
        select sum(interregional_migrants) from marts.migration_monthly
        where release_id = ? and source_release_id = release_id""", [RELEASE])[0]

    republic = sheet_rows(workbook["By region"])[0]
    assert republic[:2] == ("KZ", "Republic of Kazakhstan")
    assert republic[5:8] == (arrivals, departures, net)  # external
    assert republic[8:11] == (interregional, interregional, 0)
    assert republic[2:5] == (arrivals, departures, net)  # the republic's moves: external

    total, cis, *_ = sheet_rows(workbook["External by country"])
    assert total[1:] == ("Total", None, arrivals, departures, net)
    # a subtotal names its group in the group column too
    assert cis[1:5] == ("CIS countries", "CIS countries", cis_arrivals, cis_departures)

    hundred = sheet_rows(workbook["Ethnic structure %"])[0]
    assert hundred[0] == "Total" and hundred[3:] == (arrivals, departures)
    shown = workbook["Ethnic structure %"].cell(row=first_data_row(workbook["Ethnic structure %"]),
                                                column=2)
    assert shown.number_format == "0.0" and round(shown.value, 1) == 100.0

    sheet = workbook["Interregional flows"]
    total_row, *matrix = sheet_rows(sheet)
    regions = query(calibrated_warehouse, """
        select region_code, interregional_departures, interregional_arrivals
        from marts.migration_by_region_annual
        where release_id = ? and source_release_id = release_id order by region_code""", [RELEASE])
    assert total_row[2] == interregional
    assert list(total_row[3:]) == [arrivals_in for _, _, arrivals_in in regions]
    assert [(row[0], row[2]) for row in matrix] == [(code, out) for code, out, _ in regions]
    # and each total is the sum of its cells
    for row in matrix:
        assert row[2] == sum(cell or 0 for cell in row[3:])
    for at in range(3, len(total_row)):
        assert total_row[at] == sum(row[at] or 0 for row in matrix)
    assert total_row[2] == sum(total_row[3:]) == sum(row[2] for row in matrix)


def test_the_dynamic_tables_agree_with_the_key_points_of_the_release(exported, calibrated_warehouse):
    """The annual row of the release's own year, in the workbook and in the CSV, states the
    arrivals, departures and net migration of the key points (the published 25,399 …,
    not the figures the warehouse holds after later deliveries); its months add up to
    them; each earlier year states the key points of the December release it names."""
    expected = published(calibrated_warehouse, RELEASE)
    key_points = dict(zip(("arrivals", "departures", "net_migration"), query(calibrated_warehouse, """
        select arrivals, departures, net_migration from marts.release_key_points
        where release_id = ?""", [RELEASE])[0]))
    assert key_points == {name: expected[name] for name in key_points}

    workbook = openpyxl.load_workbook(exported["en"] / "release.xlsx")
    annual = {row[0]: row for row in sheet_rows(workbook["Annual external"])}
    assert annual[2023][1:4] == (key_points["arrivals"], key_points["departures"],
                                 key_points["net_migration"])
    assert annual[2023][-1] == texts.release_label(RELEASE, "en")
    header, *rows = read_csv(exported["en"] / "external_migration_annual.csv")
    own_year = next(dict(zip(header, row)) for row in rows if row[1] == "2023")
    assert [int(own_year[name]) for name in key_points] == list(key_points.values())

    monthly = [row for row in sheet_rows(workbook["Monthly external"]) if row[0] == 2023]
    assert [row[1] for row in monthly] == MONTH_NAMES_EN[1:]
    assert (sum(row[2] for row in monthly), sum(row[3] for row in monthly)) == (
        key_points["arrivals"], key_points["departures"])

    # an earlier year: the key points of the December release it names, out by the cut-off
    for year, row in annual.items():
        if year == 2023:
            continue
        source = next(dict(zip(header, line)) for line in rows
                      if line[1] == str(year))["source_release_id"]
        assert row[-1] == texts.release_label(source, "en")  # the workbook names it
        source_year, source_cutoff, arrivals, departures = query(calibrated_warehouse, """
            select period_year, cutoff_at, arrivals, departures from marts.release_key_points
            where release_id = ? and period_end_month = 12""", [source])[0]
        release_cutoff = query(calibrated_warehouse, """
            select cutoff_at from marts.release_key_points where release_id = ?""", [RELEASE])[0][0]
        assert (source_year, row[1], row[2]) == (year, arrivals, departures)
        assert source_cutoff <= release_cutoff
    assert annual[2022][-1] == "January–December 2022, revised"  # out by January 2024


# --- intensity per 1,000 population: one basis per table, the figures of the seed --------

def seed_population() -> dict[tuple[str, str], int]:
    """(territory_code, population_date) -> population, from the population seed's file."""
    path = PROJECT_DIR / "seeds" / "reference" / "population.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {(row["territory_code"], row["population_date"]): int(row["population"])
                for row in csv.DictReader(handle)}


def test_the_national_rates_are_on_the_average_annual_population(calibrated_warehouse):
    """Every evaluation's country table states each year's intensity on the mean of the
    seed's populations on 1 January of the year and of the next (2021-2025); `latest`'s
    2026, whose next 1 January the seed does not hold, has no rate and says so."""
    population = seed_population()
    rows = query(calibrated_warehouse, """
        select release_id, year, arrivals, departures, net_migration, population, population_basis_code,
            cast(population_start_date as varchar), cast(population_end_date as varchar),
            external_arrivals_per_1000_average_population, external_departures_per_1000_average_population,
            external_net_migration_per_1000_average_population
        from marts.migration_annual where year between 2021 and 2025 order by release_id, year""")
    assert {(row[0], row[1]) for row in rows} >= {(RELEASE, 2022), ("2022-12-p", 2022), ("2022-12-r", 2022),
                                                  ("latest", 2021), ("latest", 2025), ("2025-12-p", 2025)}
    for (release_id, year, arrivals, departures, net, mart_population, basis, start_date, end_date,
         arrivals_rate, departures_rate, net_rate) in rows:
        start, end = f"{year}-01-01", f"{year + 1}-01-01"
        average = (population[("KZ", start)] + population[("KZ", end)]) / 2
        assert (basis, start_date, end_date) == ("average_annual", start, end), (release_id, year)
        assert mart_population == average
        assert arrivals_rate == pytest.approx(arrivals / average * 1000, rel=1e-12)
        assert departures_rate == pytest.approx(departures / average * 1000, rel=1e-12)
        assert net_rate == pytest.approx(net / average * 1000, rel=1e-12)

    assert ("KZ", "2027-01-01") not in population
    for basis, mart_population, rate in query(calibrated_warehouse, """
            select population_basis_code, population, external_arrivals_per_1000_average_population
            from marts.migration_annual where year = 2026"""):
        assert (basis, mart_population, rate) == ("not_available", None, None)
    # one basis for the whole table of every evaluation
    assert query(calibrated_warehouse, """
        select distinct population_basis_code from marts.migration_annual
        where population_basis_code <> 'not_available'""") == [("average_annual",)]


def test_the_2023_region_table_is_on_one_basis_with_the_republic_above(calibrated_warehouse):
    """The regions of 2023 share one basis, the one the seed allows for all of them and the
    republic (the average when every one has 1 January 2024, else 1 January 2023); the
    republic's row of the intensity table is on it, its arrivals and departures the
    regions' external ones added up, which are the country's (migration_annual: moves
    between regions stay inside the republic), and its net the country's external net."""
    population = seed_population()
    rows = query(calibrated_warehouse, """
        select release_id, region_code, population_basis_code, population
        from marts.migration_by_region_annual where year = 2023""")
    by_release: dict[str, list[tuple]] = {}
    for release_id, region_code, basis, mart_population in rows:
        by_release.setdefault(release_id, []).append((region_code, basis, mart_population))
    assert RELEASE in by_release
    for release_id, regions in by_release.items():
        territories = {code for code, _, _ in regions} | {"KZ"}
        if all((code, "2024-01-01") in population for code in territories):
            expected = "average_annual"
        elif all((code, "2023-01-01") in population for code in territories):
            expected = "start_of_year"
        else:
            expected = "not_available"
        assert {basis for _, basis, _ in regions} == {expected}, release_id

        def expected_population(code: str) -> float | None:
            if expected == "average_annual":
                return (population[(code, "2023-01-01")] + population[(code, "2024-01-01")]) / 2
            if expected == "start_of_year":
                return population[(code, "2023-01-01")]
            return None

        for code, _, mart_population in regions:
            assert mart_population == expected_population(code), (release_id, code)

        (basis, republic_population, arrivals, departures, net, arrivals_rate,
         net_rate), = query(calibrated_warehouse, """
            select population_basis_code, population, arrivals, departures, net_migration,
                arrivals_per_1000_basis_population, net_migration_per_1000_basis_population
            from marts.migration_intensity_annual
            where release_id = ? and year = 2023 and territory_code = 'KZ'""", [release_id])
        assert (basis, republic_population) == (expected, expected_population("KZ"))
        (region_arrivals, region_departures), = query(calibrated_warehouse, """
            select sum(external_arrivals), sum(external_departures)
            from marts.migration_by_region_annual
            where release_id = ? and year = 2023""", [release_id])
        (country_arrivals, country_departures, external_net), = query(calibrated_warehouse, """
            select arrivals, departures, net_migration from marts.migration_annual
            where release_id = ? and year = 2023""", [release_id])
        assert (arrivals, departures, net) == (region_arrivals, region_departures, external_net)
        assert (arrivals, departures) == (country_arrivals, country_departures)
        assert arrivals_rate == pytest.approx(arrivals / republic_population * 1000, rel=1e-12)
        assert net_rate == pytest.approx(external_net / republic_population * 1000, rel=1e-12)


def test_the_release_shows_intensity_with_its_basis(exported, calibrated_warehouse):
    """The intensity table of 2023-12-p: the republic's row first, then every region, each
    with its rates, population and the one basis of the table named with its date; the
    country's table by year shows 2022's and 2021's rates on the average annual population
    (2021's on 1 January 2021 and 2022). In English and in Russian, in the workbook and the
    CSV."""
    (basis,), = query(calibrated_warehouse, """
        select distinct population_basis_code from marts.migration_intensity_annual
        where release_id = ? and source_release_id = release_id""", [RELEASE])
    regions = [code for (code,) in query(calibrated_warehouse, """
        select region_code from marts.migration_by_region_annual
        where release_id = ? and source_release_id = release_id order by region_code""",
                                          [RELEASE])]
    sheets = {"en": ("Intensity per 1,000", "Annual external"),
              "ru": ("Интенсивность на 1000", "Внешняя по годам")}
    for lang, (intensity_sheet, annual_sheet) in sheets.items():
        names = {code.split(".", 1)[1]: name for code, name in release_labels(lang).items()
                 if code.startswith("population_basis.")}
        workbook = openpyxl.load_workbook(exported[lang] / "release.xlsx")
        headers = sheet_headers(workbook[intensity_sheet])
        assert headers[2] == (
            "Arrivals (every move) per 1,000 population on the table's basis" if lang == "en"
            else "Прибыло (все перемещения) на 1000 человек населения на базе таблицы")
        rows = sheet_rows(workbook[intensity_sheet])
        assert [row[0] for row in rows] == ["KZ", *regions]
        assert rows[0][1] == release_labels(lang)["republic"]
        for row in rows:
            assert all(isinstance(rate, float) for rate in row[2:5]), row
            assert row[5] > 0 and row[6] == names[basis], row
            assert row[7] == datetime.datetime(2023, 1, 1)  # a date, stored as a date

        annual = {row[0]: row for row in sheet_rows(workbook[annual_sheet])}
        columns = [column.key for column in RELEASE_TABLES[
            [table.name for table in RELEASE_TABLES].index("external_migration_annual")].columns]
        year_2022 = dict(zip(columns, annual[2022]))
        assert isinstance(year_2022["external_net_migration_per_1000_average_population"], float)
        assert year_2022["population_basis"] == names["average_annual"]
        assert (year_2022["population_start_date"], year_2022["population_end_date"]) == (
            datetime.datetime(2022, 1, 1), datetime.datetime(2023, 1, 1))
        year_2021 = dict(zip(columns, annual[2021]))
        assert isinstance(year_2021["external_arrivals_per_1000_average_population"], float)
        assert year_2021["population_basis"] == names["average_annual"]
        assert (year_2021["population_start_date"], year_2021["population_end_date"]) == (
            datetime.datetime(2021, 1, 1), datetime.datetime(2022, 1, 1))

    header, *rows = read_csv(exported["en"] / "migration_intensity.csv")
    assert header[:4] == ["row_level", "territory_code", "territory_name",
                          "arrivals_per_1000_basis_population"]
    assert rows[0][:3] == ["total", "KZ", "Republic of Kazakhstan"]
    assert {row[0] for row in rows[1:]} == {"item"}
    assert "population_basis" in header


def test_release_json_describes_the_csv_files_and_the_build(exported, calibrated_warehouse):
    folder = exported["en"]
    document = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    release = query(calibrated_warehouse, """
        select vintage, cast(cutoff_at as varchar) from marts.release_key_points
        where release_id = ?""", [RELEASE])[0]
    invocation_id, logged_finished_at = query(calibrated_warehouse, """
        select invocation_id, finished_at from audit.build_runs
        order by started_at desc limit 1""")[0]
    # the build's models and tests finished when it published; its log row is closed after
    finished_at, published_at = query(published_path(calibrated_warehouse), """
        select build_finished_at, published_at from meta.publication""")[0]
    assert (document["release_id"], document["vintage"], document["cutoff_at"]) == (RELEASE, *release)
    assert document["build"]["invocation_id"] == invocation_id
    assert datetime.datetime.fromisoformat(document["build"]["finished_at"]) == finished_at
    assert datetime.datetime.fromisoformat(document["build"]["published_at"]) == published_at
    assert finished_at <= published_at <= logged_finished_at
    assert document["build"]["status"] == "success"
    csv_files = sorted(path.name for path in folder.glob("*.csv"))
    assert csv_files == sorted(table["csv"] for table in document["tables"])
    for table in document["tables"]:
        rows = read_csv(folder / table["csv"])
        assert rows[0] == table["columns"]
        assert len(rows) - 1 == table["rows"], table["name"]
    assert {table["name"]: table["kind"] for table in document["tables"]} == {
        "key_figures": "release",
        "migration_by_region": "release", "external_migration_by_country": "release",
        "external_migration_by_ethnic_group": "release", "interregional_net_by_region": "release",
        "interregional_flows": "release", "migration_intensity": "release",
        "external_migration_annual": "dynamic",
        "external_migration_by_country_annual": "dynamic",
        "net_migration_by_region_annual": "dynamic", "net_migration_by_region_monthly": "dynamic",
        "external_migration_monthly": "dynamic", "internal_migration_monthly": "dynamic",
        "migration_by_sex_and_age": "release", "migration_by_sex_and_working_age": "release",
        "migration_by_reason": "release", "external_migration_by_citizenship": "release"}
    assert [(year["year"], year["source_release_id"], year["months_covered"])
            for year in document["dynamic_tables"]["years"]] == query(calibrated_warehouse, """
        select year, source_release_id, months_covered from marts.migration_annual
        where release_id = ? order by year""", [RELEASE])
    by_region = next(table for table in document["tables"] if table["name"] == "migration_by_region")
    assert by_region["rows"] == 1 + query(calibrated_warehouse, """
        select count(*) from marts.migration_by_region_annual
        where release_id = ? and source_release_id = release_id""", [RELEASE])[0][0]


# --- refusals, atomic writing and the build log, on the small fixture world ---------------

@pytest.fixture(scope="module")
def fixture_warehouse(tmp_path_factory) -> Path:
    """The hand-written fixture extracts, built once for this module."""
    return build_warehouse(tmp_path_factory.mktemp("export_fixture_build"), FIXTURE_LANDING)


def published_build_id(database: Path) -> str:
    return query(published_path(database), "select invocation_id from meta.publication")[0][0]


def build_log(database: Path) -> list[tuple]:
    return query(database, """select command, status, finished_at is not null, failed_count
                              from audit.build_runs order by started_at""")


def test_the_build_log_records_a_successful_build(fixture_warehouse, tmp_path):
    assert build_log(fixture_warehouse)[-1] == ("build", "success", True, 0)
    # one build, one row of the log
    assert [row[0] for row in build_log(fixture_warehouse)] == ["build"]
    folder = release_export.export_release(RELEASE, tmp_path, warehouse=fixture_warehouse, quiet=True)
    document = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert document["build"]["status"] == "success" and document["build"]["data_cutoff"] is None
    assert document["build"]["invocation_id"] == query(
        fixture_warehouse, "select invocation_id from audit.build_runs")[0][0]


def test_export_refuses_a_missing_warehouse_file(tmp_path, capsys):
    missing = tmp_path / "nowhere.duckdb"
    code = cli.main(["export", "--release", RELEASE, "--warehouse", str(missing),
                     "--out", str(tmp_path / "out")])
    assert code == 1
    assert f"no published warehouse at {tmp_path / 'nowhere_marts.duckdb'}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_export_refuses_an_unknown_release_and_lists_the_known_ones(fixture_warehouse, tmp_path, capsys):
    code = cli.main(["export", "--release", "1999-12-p", "--warehouse", str(fixture_warehouse),
                     "--out", str(tmp_path / "out")])
    assert code == 1
    error = capsys.readouterr().err
    assert "unknown release '1999-12-p'" in error
    known = [row[0] for row in query(fixture_warehouse, "select release_id from marts.release_key_points")]
    assert known and all(release_id in error for release_id in known)
    assert not (tmp_path / "out" / "1999-12-p").exists()


def test_list_shows_the_releases_the_warehouse_holds(fixture_warehouse, capsys):
    assert cli.main(["export", "--list", "--warehouse", str(fixture_warehouse)]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]]
    assert listed == [row[0] for row in query(fixture_warehouse, """
        select release_id from marts.release_key_points
        order by period_year, period_end_month, cutoff_at, release_id""")]


def test_lang_all_exports_the_release_in_every_language_into_a_folder_each(fixture_warehouse, tmp_path):
    """--lang all: OUT/<lang>/<release>/ for en, ru and kk, each page in its language, the
    same figures in each (the CSV counts equal)."""
    assert cli.main(["export", "--release", RELEASE, "--lang", "all", "--warehouse",
                     str(fixture_warehouse), "--out", str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(release_tables.LANGUAGES)
    counts = {}
    for lang in release_tables.LANGUAGES:
        folder = tmp_path / lang / RELEASE
        page = (folder / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in page
        header, *rows = read_csv(folder / "migration_by_region.csv")
        counts[lang] = [row[header.index("arrivals")] for row in rows]
    assert counts["en"] == counts["ru"] == counts["kk"]


def test_a_build_stopped_in_its_hook_is_logged_failed_and_the_export_keeps_the_publication(
        fixture_warehouse, tmp_path, capsys):
    """A malformed delivery stops the next build in its on-run-start hook: kzmig marks its
    log row 'error'; nothing is published, so the export still exports the marts of the
    previous build and names that build."""
    workdir = tmp_path / "build"
    database = copy_warehouse(fixture_warehouse, workdir)
    published_before = published_build_id(database)
    malformed = tmp_path / "malformed"
    shutil.copytree(FIXTURE_LANDING, malformed)
    (malformed / "coupons_2023_06.csv").write_text(
        HEADER + "\nC1,A,2023-01-05,,M,,,001,751110000,RUS,,01,not-a-timestamp,active\n",
        encoding="utf-8")
    with pytest.raises(KzmigError):
        build_warehouse(workdir, malformed)
    assert build_log(database)[-1] == ("build", "error", True, None)
    assert published_build_id(database) == published_before
    code = cli.main(["export", "--release", RELEASE, "--warehouse", str(database),
                     "--out", str(tmp_path / "out")])
    assert code == 0
    assert published_before in capsys.readouterr().out
    document = json.loads((tmp_path / "out" / RELEASE / "release.json").read_text(encoding="utf-8"))
    assert document["build"]["invocation_id"] == published_before


def test_a_failed_build_is_logged_and_the_export_keeps_the_publication(fixture_warehouse, tmp_path, capsys):
    """A cut-off that is not a timestamp makes the models fail: the build runs to its end
    and records 'error', and publishes nothing; the export reads the previous publication."""
    workdir = tmp_path / "build"
    database = copy_warehouse(fixture_warehouse, workdir)
    published_before = published_build_id(database)
    with pytest.raises(KzmigError):
        build_warehouse(workdir, FIXTURE_LANDING, cutoff="2023-99-99T99:99:99")
    command, status, finished, failed = build_log(database)[-1]
    assert (command, status, finished) == ("build", "error", True) and failed > 0
    assert query(database, "select data_cutoff from audit.build_runs order by started_at desc limit 1") == [
        ("2023-99-99T99:99:99",)]
    assert published_build_id(database) == published_before
    code = cli.main(["export", "--release", RELEASE, "--warehouse", str(database),
                     "--out", str(tmp_path / "out")])
    assert code == 0
    assert published_before in capsys.readouterr().out
    document = json.loads((tmp_path / "out" / RELEASE / "release.json").read_text(encoding="utf-8"))
    assert document["build"]["invocation_id"] == published_before
    assert document["build"]["data_cutoff"] is None


def test_a_failure_while_writing_leaves_no_partial_folder(fixture_warehouse, tmp_path, monkeypatch):
    out = tmp_path / "out"

    def failing_workbook(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(writers, "write_workbook", failing_workbook)
    with pytest.raises(OSError, match="simulated"):
        release_export.export_release(RELEASE, out, warehouse=fixture_warehouse, quiet=True)
    assert list(out.iterdir()) == []


def test_a_failed_export_keeps_the_previous_release_folder_whole(fixture_warehouse, tmp_path, monkeypatch):
    out = tmp_path / "out"
    folder = release_export.export_release(RELEASE, out, warehouse=fixture_warehouse, quiet=True)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert {"key_points.md", "release.xlsx", "release.json"} <= set(before)

    def failing_csv(path, data):
        if data.table.name == "interregional_flows":
            raise OSError("disk full (simulated)")
        return original_csv(path, data)

    original_csv = writers.write_csv
    monkeypatch.setattr(writers, "write_csv", failing_csv)
    with pytest.raises(OSError, match="simulated"):
        release_export.export_release(RELEASE, out, lang="ru", warehouse=fixture_warehouse, quiet=True)
    assert [path.name for path in out.iterdir()] == [RELEASE]
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before

    monkeypatch.setattr(writers, "write_csv", original_csv)
    release_export.export_release(RELEASE, out, lang="ru", warehouse=fixture_warehouse, quiet=True)
    assert [path.name for path in out.iterdir()] == [RELEASE]
    assert "Основные итоги" in (folder / "key_points.md").read_text(encoding="utf-8")


def test_export_refuses_an_unknown_language(fixture_warehouse, tmp_path, capsys):
    with pytest.raises(KzmigError, match="unknown language 'de'"):
        release_export.export_release(RELEASE, tmp_path, lang="de", warehouse=fixture_warehouse,
                                      quiet=True)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(SystemExit) as stopped:
        cli.main(["export", "--help"])
    assert stopped.value.code == 0
    assert "{en,ru,kk,all}" in capsys.readouterr().out


def test_export_latest_takes_the_greatest_period_revised_first(fixture_warehouse, tmp_path, capsys):
    releases = query(fixture_warehouse, """
        select release_id, period_year, period_end_month, vintage from marts.release_key_points
        where vintage != 'latest'""")
    latest = max(releases, key=lambda release: (release[1], release[2], release[3] == "revised"))[0]
    folder = release_export.export_latest(tmp_path, warehouse=fixture_warehouse)
    assert folder == tmp_path / latest
    assert str(folder) in capsys.readouterr().out
    assert json.loads((folder / "release.json").read_text(encoding="utf-8"))["release_id"] == latest


def test_export_release_latest_writes_the_latest_rows_of_the_marts(fixture_warehouse, tmp_path):
    """`kzmig export --release latest` on the fixture build: the evaluation `latest` with its
    period (SQL: dim_release, doc block latest_period_rule) and, the build having no cut-off,
    the last submission read as its cut-off; every figure is a `latest` row of the marts, and
    no file says "None"."""
    published = published_path(fixture_warehouse)
    [(year, month, cutoff_at, is_last_submission)] = query(published, """
        select period_year, period_end_month, cutoff_at, is_cutoff_last_submission
        from marts.dim_release where release_id = 'latest'""")
    [(last_submission,)] = query(fixture_warehouse, """
        select max(valid_from_at) from intermediate.int_coupon_rows_checked""")
    # the fixtures' last counted month, never past the last submission
    [(last_year, last_month)] = query(published, f"""
        select year, max(month) from marts.migration_monthly
        where release_id = 'latest' and make_date(year, month, 1) <= date '{last_submission.date()}'
        group by year order by year desc limit 1""")
    assert (year, month) == (last_year, last_month) and is_last_submission
    assert cutoff_at == last_submission
    assert cli.main(["export", "--release", "latest", "--warehouse", str(fixture_warehouse),
                     "--out", str(tmp_path), "--lang", "all"]) == 0
    for lang in release_tables.LANGUAGES:
        folder = tmp_path / lang / "latest"
        for path in folder.iterdir():
            if path.suffix == ".xlsx":
                workbook = openpyxl.load_workbook(path, read_only=True)
                text = " ".join(str(cell) for sheet in workbook.worksheets
                                for row in sheet.iter_rows(values_only=True) for cell in row
                                if cell is not None)
            else:
                text = path.read_text(encoding="utf-8")
            assert "None" not in text, (lang, path.name)
        document = json.loads((folder / "release.json").read_text(encoding="utf-8"))
        assert (document["release_id"], document["vintage"]) == ("latest", "latest")
        assert (document["period_year"], document["period_end_month"]) == (year, month)
        assert document["period"] == formatting.period_label(year, month, "en")
        key_points = (folder / "key_points.md").read_text(encoding="utf-8")
        assert formatting.period_label(year, month, lang) in key_points
        assert texts.vintage_name("latest", "ru_plural" if lang == "ru" else lang) in key_points
    # the region table's republic row: its regions' external flows of the period's year, the
    # country's (migration_annual's `latest` row of that year)
    rows = read_csv(tmp_path / "en" / "latest" / "migration_by_region.csv")
    header, republic = rows[0], rows[1]
    assert republic[0] == "total"
    [(net, external_arrivals, external_departures)] = query(published, """
        select sum(net_migration), sum(external_arrivals), sum(external_departures)
        from marts.migration_by_region_annual
        where release_id = 'latest' and year = ?""", [year])
    shown = dict(zip(header, republic))
    # the republic's arrivals and departures are its external ones (doc block arrivals)
    assert [int(shown[name]) for name in ("arrivals", "departures", "net_migration",
                                          "external_arrivals", "external_departures")] == [
        external_arrivals, external_departures, net, external_arrivals, external_departures]
    [(annual_arrivals, annual_departures)] = query(published, """
        select arrivals, departures from marts.migration_annual
        where release_id = 'latest' and year = ?""", [year])
    assert (int(shown["external_arrivals"]), int(shown["external_departures"])) == (
        annual_arrivals, annual_departures)
    # one row per region: no year of `latest` but the period's
    codes = [row[1] for row in rows[2:]]
    assert len(codes) == len(set(codes))
    # the key points are the key figures of `latest` for its period, compared with the same
    # period of the previous year within `latest`
    [(key_arrivals, comparison, comparison_year)] = query(published, """
        select arrivals, comparison_release_id, comparison_period_year
        from marts.release_key_points where release_id = 'latest'""")
    assert key_arrivals == annual_arrivals
    [(cumulative_arrivals, cumulative_comparison)] = query(published, """
        select arrivals, comparison_release_id from marts.migration_key_figures_cumulative
        where release_id = 'latest' and period_year = ? and period_end_month = ?""", [year, month])
    assert (key_arrivals, comparison) == (cumulative_arrivals, cumulative_comparison)
    assert comparison_year == (year - 1 if comparison else None)
    # the monthly tables stop at the period's end
    monthly = read_csv(tmp_path / "en" / "latest" / "external_migration_monthly.csv")
    months = [(int(row[1]), int(row[2])) for row in monthly[1:]]
    assert max(months) == (year, month)
    # SDMX: one observation per key, all of the period, the regions' external arrivals those
    # of the region table
    assert cli.main(["export", "--release", "latest", "--format", "sdmx", "--warehouse",
                     str(fixture_warehouse), "--out", str(tmp_path / "sdmx")]) == 0
    with open(tmp_path / "sdmx" / "latest-sdmx" / "KZ_MIGRATION.csv", encoding="utf-8-sig") as file:
        observations = list(csv.DictReader(file))
    keys = [tuple(value for name, value in row.items() if name not in ("OBS_VALUE", "CONF_STATUS"))
            for row in observations]
    assert observations and len(keys) == len(set(keys))
    assert {row["TIME_PERIOD"] for row in observations} == {f"{year}-01-01/P{month}M"}
    by_region = {row[1]: row for row in rows[2:]}
    compared = 0
    for row in observations:
        if (row["FLOW"], row["DIRECTION"], row["REF_AREA"] in by_region, row["CONF_STATUS"]) == (
                "external", "ARR", True, "F") and all(
                row[name] == "_T" for name in ("COUNTERPART_AREA", "CITIZENSHIP", "REASON", "SEX", "AGE")):
            assert float(row["OBS_VALUE"]) == float(
                by_region[row["REF_AREA"]][header.index("external_arrivals")]), row
            compared += 1
    assert compared == len(by_region)


# --- display rounding and number formats ---------------------------------------------------

@pytest.mark.parametrize("value, shown", [
    (33.75, "33.8"), (-33.75, "-33.8"), (0.05, "0.1"), (-0.05, "-0.1"), (2.675, "2.7"),
    (46.94999999, "46.9"), (-33.7624, "-33.8"), (86.25, "86.3"), (0.0, "0.0"),
])
def test_percentages_are_rounded_half_away_from_zero(value, shown):
    assert str(formatting.round_half_away_from_zero(value, 1)) == shown


def test_numbers_and_percentages_in_text():
    assert formatting.format_integer(25399, "en") == "25,399"
    assert formatting.format_integer(-21227, "ru") == "\u221221\u00a0227"
    # Babel's (CLDR's) Russian percent format: a no-break space before the sign
    assert formatting.format_percent(-33.7624, "ru", signed=True) == "\u221233,8\u00a0%"
    assert formatting.format_percent(1234.56, "ru") == "1\u00a0234,6\u00a0%"
    assert formatting.format_percent(1234.56, "en") == "1,234.6%"
    assert formatting.format_percent(0.04, "en", signed=True) == "0.0%"
    assert formatting.format_percent(46.91, "en", signed=True) == "+46.9%"
    assert formatting.format_percent(None, "en") is None
    assert [formatting.people(count, "ru") for count in (1, 3, 11, 22, 9344)] == [
        "1\u00a0человек", "3\u00a0человека", "11\u00a0человек", "22\u00a0человека",
        "9\u00a0344\u00a0человека"]


def test_kazakh_numbers_percentages_and_people():
    assert formatting.format_integer(25399, "kk") == "25\u00a0399"
    assert formatting.format_integer(1055164, "kk") == "1\u00a0055\u00a0164"
    assert formatting.format_integer(-21227, "kk") == "\u221221\u00a0227"
    assert formatting.format_integer(999, "kk") == "999"
    assert formatting.format_percent(46.87445787312785, "kk", signed=True) == "+46,9%"
    assert formatting.format_percent(-33.76376913238995, "kk", signed=True) == "\u221233,8%"
    assert formatting.format_percent(86.2986731761093, "kk") == "86,3%"
    assert formatting.format_percent(None, "kk") is None
    # a Kazakh noun does not change after a numeral
    assert [formatting.people(count, "kk") for count in (1, 3, 11, 22, 9344, -683)] == [
        "1\u00a0адам", "3\u00a0адам", "11\u00a0адам", "22\u00a0адам", "9\u00a0344\u00a0адам",
        "\u2212683\u00a0адам"]


@pytest.mark.parametrize("end_month, nominative, locative", [
    (12, "2023\u00a0жылғы қаңтар–желтоқсан", "2023\u00a0жылғы қаңтар–желтоқсанда"),
    (1, "2023\u00a0жылғы қаңтар", "2023\u00a0жылғы қаңтарда"),
    (4, "2023\u00a0жылғы қаңтар–сәуір", "2023\u00a0жылғы қаңтар–сәуірде"),
    (7, "2023\u00a0жылғы қаңтар–шілде", "2023\u00a0жылғы қаңтар–шілдеде"),
    (9, "2023\u00a0жылғы қаңтар–қыркүйек", "2023\u00a0жылғы қаңтар–қыркүйекте"),
    (11, "2023\u00a0жылғы қаңтар–қараша", "2023\u00a0жылғы қаңтар–қарашада"),
])
def test_kazakh_period_label(end_month, nominative, locative):
    assert formatting.period_label(2023, end_month, "kk") == nominative
    assert formatting.period_label(2023, end_month, "kk", case="locative") == locative


def test_months_in_every_language():
    assert formatting.MONTHS["kk"] == ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
                                       "шілде", "тамыз", "қыркүйек", "қазан", "қараша",
                                       "желтоқсан"]
    assert formatting.period_label(2023, 12, "en") == "January–December 2023"
    assert formatting.period_label(2023, 12, "ru") == "январь–декабрь 2023\u00a0года"
    assert formatting.period_label(2023, 12, "ru", case="prepositional") == \
        "январе–декабре 2023\u00a0года"


def test_an_unknown_language_or_a_missing_text_is_refused_not_replaced():
    """No silent fallback to English (or Russian): every language-keyed lookup of the
    export refuses a language it has no text for, and an empty text."""
    for call in (lambda: formatting.format_integer(1, "de"),
                 lambda: formatting.format_percent(1.0, "de"),
                 lambda: formatting.people(1, "de"),
                 lambda: formatting.period_label(2023, 12, "de"),
                 lambda: formatting.period_label(2023, 12, "en", case="locative"),
                 lambda: formatting.period_label(2023, 12, "kk", case="prepositional"),
                 lambda: RELEASE_TABLES[0].sheet("de"),
                 lambda: RELEASE_TABLES[0].title("de", "P"),
                 lambda: RELEASE_TABLES[0].columns[0].header("de"),
                 lambda: texts.vintage_name("preliminary", "de"),
                 lambda: texts.vintage_name("final", "kk")):
        with pytest.raises(KzmigError):
            call()
    untranslated = tables.Column("x", headers={"en": "X", "ru": "Х", "kk": ""})
    with pytest.raises(KzmigError, match="header of column x in language 'kk' is empty"):
        untranslated.header("kk")
    with pytest.raises(KzmigError, match="no key points in language 'de'"):
        texts.key_points_markdown(None, "de", "2024-01-01 00:00:00")
    assert texts.vintage_name("preliminary", "kk") == "алдын ала"
    assert texts.vintage_name("revised", "kk") == "нақтыланған"


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_key_point_sentences_are_the_bullets_of_the_key_points(lang):
    """texts.key_point_sentences (what the page shows) are the key points' bullets, word for
    word; the cut-off and the build are dates in the language's format (Babel)."""
    points = texts.KeyPoints(
        release_id="2023-12-p", period_year=2023, period_end_month=12, vintage="preliminary",
        cutoff_at=datetime.datetime(2024, 1, 31, 23, 59, 59), arrivals=25399, departures=16055,
        net_migration=9344, arrivals_change_pct=46.87, departures_change_pct=-33.76,
        cis_arrivals_share_pct=86.3, cis_departures_share_pct=None, internal_migrants=1054736,
        internal_migrants_change_pct=0.04, regions_with_positive_interregional_net=2,
        comparison_release_id="2022-12-p", comparison_period_year=2022,
        positive_regions=(("Astana", 50078), ("Almaty", 38113)))
    markdown = texts.key_points_markdown(points, lang, datetime.datetime(2024, 2, 1, 8, 30))
    sentences = texts.key_point_sentences(points, lang)
    bullets = [line[2:] for line in markdown.split("\n\n")[3].splitlines()]
    assert sentences == bullets and len(sentences) == 5
    assert formatting.people(25399, lang) in sentences[0]
    assert formatting.format_percent(0.04, lang) in sentences[3]  # a change that rounds to 0
    assert {"en": "January 31, 2024", "ru": "31 января 2024\u202fг.",
            "kk": "2024\u202fж. 31 қаңтар"}[lang] in markdown.splitlines()[2]
