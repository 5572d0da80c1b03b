"""The people's tables (by sex and age, by reason, by citizenship) on the calibrated world:
their totals equal the region table for every evaluation, the small-number protection holds
in every published cell (workbook, CSV, page, SDMX), and the SDMX-CSV of 2023-12-p reads
back with sdmx1 equal to the marts."""

from __future__ import annotations

import csv
import html.parser
from pathlib import Path

import openpyxl
import pytest

from kzmig import export as release_export
from kzmig.export import sdmx as release_sdmx
from kzmig.export import tables as release_tables
from kzmig.export import writers
from kzmig.project import PROJECT_DIR

from conftest import RELEASE_TABLES, query

RELEASE = "2023-12-p"
PEOPLE_MARTS = ("migration_by_sex_and_age_annual", "migration_by_reason_annual",
                "external_migration_by_citizenship_annual")
PROTECTED = {table.name: table for table in RELEASE_TABLES if table.name in (
    "migration_by_sex_and_age", "migration_by_sex_and_working_age", "migration_by_reason",
    "external_migration_by_citizenship")}
# the words the release tables show in English (the seed release_labels_en)
with (PROJECT_DIR / "seeds" / "labels" / "release_labels_en.csv").open(encoding="utf-8") as _file:
    LABELS_EN = {row["label_code"]: row["label"] for row in csv.DictReader(_file)}


@pytest.fixture(scope="module")
def exported(calibrated_warehouse, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("people_export")
    return {
        "release": release_export.export_release(RELEASE, out, lang="en",
                                                 warehouse=calibrated_warehouse, quiet=True),
        "sdmx": release_export.export_sdmx(RELEASE, out, warehouse=calibrated_warehouse,
                                           quiet=True),
    }


# --- the marts -----------------------------------------------------------------------------

def region_flows(database: Path) -> dict[tuple, tuple]:
    """(evaluation, year, region, flow) -> (arrivals, departures) of the region table, the
    evaluation's own years (source_release_id = release_id)."""
    rows = query(database, """
        select release_id, year, region_code, external_arrivals, external_departures,
            interregional_arrivals, interregional_departures, intraregional_moves
        from marts.migration_by_region_annual
        where source_release_id = release_id""")
    flows = {}
    for release_id, year, region, ext_a, ext_d, inter_a, inter_d, intra in rows:
        for flow, arrivals, departures in (("external", ext_a, ext_d),
                                           ("interregional", inter_a, inter_d),
                                           ("intraregional", intra, intra)):
            if arrivals or departures:
                flows[(release_id, year, region, flow)] = (arrivals, departures)
    return flows


@pytest.mark.parametrize("mart, grouping", [
    ("migration_by_sex_and_age_annual", "five_year"),
    ("migration_by_sex_and_age_annual", "working_age"),
    ("migration_by_reason_annual", None),
    ("external_migration_by_citizenship_annual", None),
])
def test_people_marts_add_up_to_the_region_flows_for_every_evaluation(
        calibrated_warehouse, mart, grouping):
    flow = "'external'" if mart.startswith("external") else "flow_code"
    # the item rows (the margins, the republic KZ and the totals _T, sum them again)
    where = "where region_code <> 'KZ'" + (
        f" and sex_code <> '_T' and age_grouping_code = '{grouping}'" if grouping else "")
    sums = {(release_id, year, region, flow_code): (arrivals, departures)
            for release_id, year, region, flow_code, arrivals, departures in query(
                calibrated_warehouse, f"""
                select release_id, year, region_code, {flow}, sum(arrivals), sum(departures)
                from marts.{mart} {where}
                group by all""")}
    expected = region_flows(calibrated_warehouse)
    if mart.startswith("external"):
        expected = {key: value for key, value in expected.items() if key[3] == "external"}
    assert sums == expected
    evaluations = {release_id for release_id, *_ in sums}
    assert "latest" in evaluations and RELEASE in evaluations
    assert evaluations == {row[0] for row in query(calibrated_warehouse,
                                                   "select release_id from marts.dim_release")}


def test_no_mart_carries_personal_data(calibrated_warehouse):
    columns = {column for column, in query(calibrated_warehouse, """
        select column_name from information_schema.columns where table_schema = 'marts'""")}
    assert not columns & {"person_id_hash", "birth_date", "age_years", "coupon_id"}


def test_the_marts_keep_exact_small_counts_and_flag_them(calibrated_warehouse):
    for mart in PEOPLE_MARTS:
        small, flagged = query(calibrated_warehouse, f"""
            select count(*) filter (where arrivals between 1 and 2),
                count(*) filter (where arrivals between 1 and 2 and arrivals_is_suppressed)
            from marts.{mart}""")[0]
        assert small > 0 and small == flagged, mart


# --- the published cells -------------------------------------------------------------------

def count_columns(table: release_tables.Table) -> list[int]:
    return [index for index, column in enumerate(table.columns) if column.status]


def test_no_published_cell_of_the_csv_or_the_workbook_is_1_or_2(exported):
    folder = exported["release"]
    workbook = openpyxl.load_workbook(folder / "release.xlsx")
    for name, table in PROTECTED.items():
        with (folder / f"{name}.csv").open(encoding=writers.CSV_ENCODING, newline="") as handle:
            header, *rows = list(csv.reader(handle))
        at = [1 + index for index in count_columns(table)]
        items = [row for row in rows if row[0] == "item"]
        assert items and any(row[at[0]] == release_tables.SUPPRESSED for row in items), name
        for row in items:
            # arrivals and departures: never 1 or 2; net: never shown beside a withheld count
            assert row[at[0]] == release_tables.SUPPRESSED or int(row[at[0]]) not in (1, 2), row
            assert row[at[1]] == release_tables.SUPPRESSED or int(row[at[1]]) not in (1, 2), row
            if release_tables.SUPPRESSED in (row[at[0]], row[at[1]]):
                assert row[at[2]] == release_tables.SUPPRESSED, row
        # the workbook: the sheet's last rows are the CSV's rows, in the same order
        sheet_rows = list(workbook[table.sheet("en")].iter_rows(values_only=True))[-len(rows):]
        for row, sheet_row in zip(rows, sheet_rows):
            shown = [sheet_row[index] for index, column in enumerate(
                column for column in table.columns if column.kind != "code")
                     if column.status]
            assert shown == [value if value == release_tables.SUPPRESSED else int(value)
                             for value in (row[index] for index in at)], (name, row)
            if row[0] == "item":
                assert not {1, 2} & {value for value in shown[:2] if isinstance(value, int)}


def csv_rows(folder: Path, name: str) -> list[list[str]]:
    with (folder / f"{name}.csv").open(encoding=writers.CSV_ENCODING, newline="") as handle:
        return list(csv.reader(handle))[1:]


def shown(value, withheld: bool) -> str:
    return release_tables.SUPPRESSED if withheld else str(value)


@pytest.mark.parametrize("name, grouping", [("migration_by_sex_and_age", "five_year"),
                                            ("migration_by_sex_and_working_age", "working_age")])
def test_the_sex_and_age_items_are_the_marts_with_the_withheld_cells_marked(
        exported, calibrated_warehouse, name, grouping):
    items = [row[1:] for row in csv_rows(exported["release"], name) if row[0] == "item"]
    # the republic (KZ) above the regions, its name the label `republic`
    expected = [
        [region, region_name or LABELS_EN["republic"], flow, LABELS_EN[f"flow.{flow}"],
         LABELS_EN[f"sex.{sex}"], age, age_name,
         shown(arrivals, arrivals_withheld), shown(departures, departures_withheld),
         shown(net, net_withheld)]
        for region, region_name, flow, sex, age, age_name, arrivals, departures, net,
        arrivals_withheld, departures_withheld, net_withheld in query(calibrated_warehouse, """
            select people.region_code, names.region_name_en, people.flow_code, people.sex_code,
                people.age_group_code, people.age_group_name_en, people.arrivals,
                people.departures, people.net_migration, people.arrivals_is_suppressed,
                people.departures_is_suppressed, people.net_migration_is_suppressed
            from marts.migration_by_sex_and_age_annual as people
            left join marts.migration_by_region_annual as names
                on people.release_id = names.release_id and people.year = names.year
                and people.region_code = names.region_code
                and names.source_release_id = names.release_id
            where people.release_id = ? and people.year = 2023
                and people.age_grouping_code = ? and not people.is_detail_withheld
                and people.sex_code <> '_T'
            order by people.region_code = 'KZ' desc, people.region_code, people.flow_code,
                case people.sex_code when 'M' then 1 when 'F' then 2 else 3 end,
                people.age_group_sort_order""", [RELEASE, grouping])]
    assert items == expected
    # a total row for every region and flow, the republic's included, whether or not its
    # detail is withheld whole
    groups = query(calibrated_warehouse, """
        select count(*) from marts.migration_by_sex_and_age_annual
        where release_id = ? and year = 2023 and sex_code = '_T' and age_group_code = '_T'""",
                   [RELEASE])[0][0]
    totals = [row for row in csv_rows(exported["release"], name) if row[0] == "total"]
    assert len(totals) == groups


def test_a_group_total_is_its_region_flow_and_never_pins_a_withheld_cell(exported, calibrated_warehouse):
    """Each total row is the region's flow (exact); the withheld cells of a block sum to
    the total less the published ones, and there are at least two of them, one of 3 or
    more in the marts, so the subtraction pins none."""
    folder = exported["release"]
    expected = {(region, flow): value for (release_id, year, region, flow), value
                in region_flows(calibrated_warehouse).items()
                if release_id == RELEASE and year == 2023}
    # the republic's rows: the sum of its regions'
    for (region, flow), (arrivals, departures) in list(expected.items()):
        republic = expected.get(("KZ", flow), (0, 0))
        expected[("KZ", flow)] = (republic[0] + arrivals, republic[1] + departures)
    table = PROTECTED["migration_by_reason"]
    with (folder / f"{table.name}.csv").open(encoding=writers.CSV_ENCODING, newline="") as handle:
        header, *rows = list(csv.reader(handle))
    keys = [column.key for column in table.columns]
    blocks: dict[tuple, dict] = {}
    for row in rows:
        key = (row[1 + keys.index("region_code")], row[1 + keys.index("flow_code")])
        block = blocks.setdefault(key, {"total": None, "items": []})
        if row[0] == "total":
            block["total"] = row
        else:
            block["items"].append(row)
    assert blocks
    arrivals_at = 1 + keys.index("arrivals")
    for key, block in blocks.items():
        total = int(block["total"][arrivals_at])
        assert (total, int(block["total"][arrivals_at + 1])) == expected[key], key
        withheld = [row for row in block["items"] if row[arrivals_at] == release_tables.SUPPRESSED]
        if block["items"] and withheld:
            assert len(withheld) >= 2, key


class _Cells(html.parser.HTMLParser):
    """The cells of the page's tables, by table id."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = None
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id", ""), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def test_no_published_cell_of_the_page_is_1_or_2(exported):
    """The page shows no cell of the people's tables (issue 26: it sums them up and links
    their CSV files and sheets, whose cells the test above checks)."""
    parser = _Cells()
    text = (exported["release"] / "index.html").read_text(encoding="utf-8")
    parser.feed(text)
    for name in PROTECTED:
        assert not any(key.startswith(f"table-{name}") for key in parser.tables), name
        assert f'href="{name}.csv"' in text, name


# --- SDMX ----------------------------------------------------------------------------------

def test_the_sdmx_csv_reads_back_with_sdmx1_and_equals_the_marts(exported, calibrated_warehouse):
    folder = exported["sdmx"]
    assert (folder / release_sdmx.DATA_FILE).read_text(encoding="utf-8").startswith(
        "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,FLOW,DIRECTION,COUNTERPART_AREA,CITIZENSHIP,"
        "REASON,SEX,AGE,TIME_PERIOD,OBS_VALUE,CONF_STATUS\n")
    dataflow, dataset = release_sdmx.read_back(folder)
    observations = {}
    for observation in dataset.obs:
        key = observation.dimension.values
        observations[tuple(key[dimension].value for dimension, _ in release_sdmx.DIMENSIONS)] = (
            key["TIME_PERIOD"].value,
            (None if observation.value == "NaN" else float(observation.value),
             observation.attached_attribute[release_sdmx.CONF_STATUS].value))
    assert {period for period, _ in observations.values()} == {"2023"}
    values = {key: value for key, (_, value) in observations.items()}
    # the confidentiality status is a code of its code list in the structure read back
    statuses = dataflow.structure.attributes.get(release_sdmx.CONF_STATUS) \
        .local_representation.enumerated
    assert {status for _, status in values.values()} == {code.id for code in statuses} == {"F", "C", "D"}
    # every key value is a code of its code list in the structure read back
    structure = dataflow.structure
    for dimension, _ in release_sdmx.DIMENSIONS:
        codes = structure.dimensions.get(dimension).local_representation.enumerated
        assert {key[[d for d, _ in release_sdmx.DIMENSIONS].index(dimension)]
                for key in values} <= {code.id for code in codes}, dimension

    def expect(rows, key_of) -> dict:
        """Key -> (value, CONF_STATUS): a withheld cell has no value, C for a count of 1-2."""
        found = {}
        for row in rows:
            key, arrivals, departures, net, flags = key_of(row)
            for direction, value, withheld in (("ARR", arrivals, flags[0]),
                                               ("DEP", departures, flags[1]),
                                               ("NET", net, flags[2])):
                if not withheld:
                    cell = (float(value), "F")
                elif direction != "NET" and value in (1, 2):
                    cell = (None, "C")
                else:
                    cell = (None, "D")
                found[(*key[:2], direction, *key[2:])] = cell
        return found

    expected = {}
    # the region table: the regions and the republic (KZ), whose flows are theirs added up
    for region, ext_a, ext_d, inter_a, inter_d, intra in query(calibrated_warehouse, """
            select coalesce(region_code, 'KZ'), sum(external_arrivals),
                sum(external_departures), sum(interregional_arrivals),
                sum(interregional_departures), sum(intraregional_moves)
            from marts.migration_by_region_annual
            where release_id = ? and source_release_id = release_id
            group by rollup (region_code)""", [RELEASE]):
        for flow, arrivals, departures in (("external", ext_a, ext_d),
                                           ("interregional", inter_a, inter_d),
                                           ("intraregional", intra, intra)):
            expected.update(expect([(region, flow, arrivals, departures)], lambda row: (
                (row[0], row[1], "_T", "_T", "_T", "_T", "_T"), row[2], row[3], row[2] - row[3],
                (False, False, False))))
    # the table by country
    expected.update(expect(query(calibrated_warehouse, """
        select country_code, arrivals, departures, net_migration
        from marts.external_migration_by_country_annual
        where release_id = ? and source_release_id = release_id""", [RELEASE]), lambda row: (
        ("KZ", "external", row[0], "_T", "_T", "_T", "_T"), row[1], row[2], row[3],
        (False, False, False))))
    flags = ("arrivals_is_suppressed or is_detail_withheld, "
             "departures_is_suppressed or is_detail_withheld, "
             "net_migration_is_suppressed or is_detail_withheld")
    expected.update(expect(query(calibrated_warehouse, f"""
        select region_code, flow_code, sex_code, age_group_code, arrivals, departures,
            net_migration, {flags}
        from marts.migration_by_sex_and_age_annual where release_id = ? and year = 2023
            and not (sex_code = '_T' and age_group_code = '_T')""",
                                 [RELEASE]), lambda row: (
        (row[0], row[1], "_T", "_T", "_T", "_U" if row[2] == "U" else row[2], row[3]),
        row[4], row[5], row[6], row[7:])))
    expected.update(expect(query(calibrated_warehouse, f"""
        select region_code, flow_code, reason_code, arrivals, departures, net_migration, {flags}
        from marts.migration_by_reason_annual where release_id = ? and year = 2023
            and reason_code <> '_T'""",
                                 [RELEASE]), lambda row: (
        (row[0], row[1], "_T", "_T", row[2], "_T", "_T"), row[3], row[4], row[5], row[6:])))
    expected.update(expect(query(calibrated_warehouse, f"""
        select region_code, citizenship_code, arrivals, departures, net_migration, {flags}
        from marts.external_migration_by_citizenship_annual
        where release_id = ? and year = 2023 and citizenship_code <> '_T'""", [RELEASE]),
        lambda row: ((row[0], "external", "_T", row[1], "_T", "_T", "_T"), row[2], row[3], row[4], row[5:])))
    assert values == expected
    # the margins of the people's tables are listed as the release tables publish them: the
    # republic by sex and age, each sex of each region over all ages
    assert ("KZ", "external", "ARR", "_T", "_T", "_T", "M", "_T") in values
    assert any(key[0] != "KZ" and key[6] in ("M", "F") and key[7] == "_T" for key in values)
    # no published count of the people's tables is 1 or 2; every withheld cell has no value
    people = {key: value for key, value in values.items() if set(key[4:]) != {"_T"}}
    assert people and not {1.0, 2.0} & {value for key, (value, status) in people.items()
                                        if key[2] != "NET" and status == "F"}
    assert all((value is None) == (status != "F") for value, status in values.values())
    # as pandas reads it: a withheld cell is a missing number, never an empty string or 0
    table = release_sdmx_table(folder)
    assert table["value"].isna().sum() == sum(status != "F" for _, status in values.values())
    assert set(table.loc[table["value"].isna(), "CONF_STATUS"]) == {"C", "D"}


def release_sdmx_table(folder):
    """The SDMX-CSV of a release as the README reads it (sdmx1's to_pandas)."""
    import sdmx

    structure = sdmx.read_sdmx(folder / release_sdmx.STRUCTURE_FILE)
    data = sdmx.read_sdmx(folder / release_sdmx.DATA_FILE, structure=structure.dataflow[release_sdmx.DATAFLOW_ID])
    return sdmx.to_pandas(data.data[0], attributes="o").reset_index()
