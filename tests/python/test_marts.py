"""The marts on the hand-written fixture world.

- The three named monthly marts equal what the extract spec's counting rules give on the
  fixture's expected counted coupons (tests/fixtures/expected_counted_coupons.csv, written
  by hand), with a row for every region in force in every month of the month spine.
- Built on the landing folder as it stood at the cut-off of release 2023-03-p (the
  deliveries up to March), the monthly marts re-aggregated over January–March equal that
  release's tables; and the full build (with the May correction) still reproduces that
  release exactly, while its monthly marts see the correction. The release's dynamic
  tables by month in the full build equal the monthly marts of the cut-off build (the
  `latest` evaluation), and its dynamic tables by year take each earlier year from the
  December release out by then.
- The three named marts hold exactly the columns the issue names, and `dbt docs generate`
  shows every public mart and every column described.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import shutil
from collections import Counter, defaultdict
from pathlib import Path
from unittest import mock

import pytest

from kzmig.project import PROJECT_DIR, dbt_vars, run_dbt

from conftest import FIXTURES_DIR, build_warehouse, query

FIXTURE_LANDING = FIXTURES_DIR / "landing_csv"
RELEASE = "2023-03-p"
RELEASE_CUTOFF = "2023-04-30 23:59:59"

NAMED_MART_COLUMNS = {
    "net_migration_monthly": [
        "year", "month", "region_code", "arrivals", "departures", "net_migration",
        "external_arrivals", "external_departures", "external_net_migration", "interregional_arrivals",
        "interregional_departures", "interregional_net", "intraregional_moves",
    ],
    "external_migration_by_country_monthly": [
        "year", "month", "country_code", "is_cis", "arrivals", "departures", "net_migration",
    ],
    "interregional_flows_monthly": [
        "year", "month", "origin_region_code", "destination_region_code", "migrants",
    ],
}


# --- fixtures ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def full_build(tmp_path_factory) -> Path:
    """The fixture world built with every delivery (no cut-off)."""
    return build_warehouse(tmp_path_factory.mktemp("marts_full"), FIXTURE_LANDING)


@pytest.fixture(scope="module")
def release_cutoff_build(tmp_path_factory) -> Path:
    """The fixture world as it had landed by the cut-off of release 2023-03-p."""
    workdir = tmp_path_factory.mktemp("marts_cutoff")
    landing = workdir / "landing"
    landing.mkdir()
    cutoff = datetime.datetime.fromisoformat(RELEASE_CUTOFF)
    for delivery in sorted(FIXTURE_LANDING.glob("coupons_*.csv")):
        with open(delivery, newline="", encoding="utf-8-sig") as handle:
            submitted = [datetime.datetime.fromisoformat(row["submitted_at"].strip()) for row in csv.DictReader(handle)]
        if max(submitted) <= cutoff:
            shutil.copy(delivery, landing / delivery.name)
    assert 0 < len(list(landing.iterdir())) < len(list(FIXTURE_LANDING.glob("coupons_*.csv")))
    return build_warehouse(workdir, landing)


@pytest.fixture(scope="module")
def expected_coupons() -> list[dict]:
    with open(FIXTURES_DIR / "expected_counted_coupons.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def regions_in_force(first_day: datetime.date, last_day: datetime.date) -> set[str]:
    """Regions of the regions seed in force on at least one day of [first_day, last_day]."""
    in_force = set()
    with open(PROJECT_DIR / "seeds" / "reference" / "regions.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            starts = datetime.date.fromisoformat(row["valid_from_date"]) if row["valid_from_date"] else None
            ends = datetime.date.fromisoformat(row["valid_to_date"]) if row["valid_to_date"] else None
            if (starts is None or starts <= last_day) and (ends is None or ends >= first_day):
                in_force.add(row["region_code"])
    return in_force


def month_spine(coupons: list[dict]) -> list[tuple[int, int]]:
    """latest's months: from the first to the last month counted, in the years counted (a
    year in which nothing is counted has no rows: the month_spine doc block)."""
    indexes = [int(row["registration_year"]) * 12 + int(row["registration_month"]) - 1 for row in coupons]
    years = {int(row["registration_year"]) for row in coupons}
    return [(index // 12, index % 12 + 1) for index in range(min(indexes), max(indexes) + 1)
            if index // 12 in years]


def last_day_of(year: int, month: int) -> datetime.date:
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


# --- the named monthly marts against the hand-written expected coupons -------------------

def test_net_migration_monthly_applies_the_region_rule_to_the_expected_coupons(full_build, expected_coupons):
    expected: dict[tuple, Counter] = defaultdict(Counter)
    for row in expected_coupons:
        month = (int(row["registration_year"]), int(row["registration_month"]))
        if row["flow_code"] == "external":
            side = "external_arrivals" if row["coupon_type_code"] == "A" else "external_departures"
            expected[(*month, row["region_code"])][side] += 1
        elif row["flow_code"] == "interregional":
            expected[(*month, row["region_code"])]["interregional_arrivals"] += 1
            expected[(*month, row["counterpart_region_code"])]["interregional_departures"] += 1
        else:
            expected[(*month, row["region_code"])]["intraregional_moves"] += 1

    expected_keys = {
        (year, month, region)
        for year, month in month_spine(expected_coupons)
        for region in regions_in_force(datetime.date(year, month, 1), last_day_of(year, month))
    }
    rows = query(full_build, """
        select year, month, region_code, arrivals, departures, net_migration,
               external_arrivals, external_departures, interregional_arrivals,
               interregional_departures, intraregional_moves
        from marts.net_migration_monthly
    """)
    assert {(year, month, region) for year, month, region, *_ in rows} == expected_keys
    assert len(rows) == len(expected_keys)
    # the fixture spans January 2018 (one late coupon of South Kazakhstan region) to March
    # 2023: all of 2018 and January-March 2023, none of the years 2019-2022 it counts nothing in
    assert (2018, 6, "51") in expected_keys and (2018, 6, "61") in expected_keys
    assert (2018, 7, "51") not in expected_keys
    assert {year for year, *_ in expected_keys} == {2018, 2023}

    for year, month, region, arrivals, departures, net, ext_a, ext_d, inter_a, inter_d, intra in rows:
        counts = expected.get((year, month, region), Counter())
        assert (ext_a, ext_d, inter_a, inter_d, intra) == (
            counts["external_arrivals"], counts["external_departures"],
            counts["interregional_arrivals"], counts["interregional_departures"],
            counts["intraregional_moves"],
        ), (year, month, region)
        assert arrivals == ext_a + inter_a + intra
        assert departures == ext_d + inter_d + intra
        assert net == arrivals - departures
    assert sum(row[3] for row in rows) > 0


def test_country_and_flow_marts_equal_the_expected_coupons(full_build, expected_coupons):
    by_country: dict[tuple, Counter] = defaultdict(Counter)
    flows: Counter = Counter()
    for row in expected_coupons:
        month = (int(row["registration_year"]), int(row["registration_month"]))
        if row["flow_code"] == "external":
            side = "arrivals" if row["coupon_type_code"] == "A" else "departures"
            by_country[(*month, row["counterpart_country_code"], row["is_cis"] == "true")][side] += 1
        elif row["flow_code"] == "interregional":
            flows[(*month, row["counterpart_region_code"], row["region_code"])] += 1

    countries = query(full_build, """
        select year, month, country_code, is_cis, arrivals, departures, net_migration
        from marts.external_migration_by_country_monthly
    """)
    assert {
        (year, month, country, cis): (arrivals, departures, net)
        for year, month, country, cis, arrivals, departures, net in countries
    } == {
        key: (counts["arrivals"], counts["departures"], counts["arrivals"] - counts["departures"])
        for key, counts in by_country.items()
    }

    od_rows = query(full_build, """
        select year, month, origin_region_code, destination_region_code, migrants
        from marts.interregional_flows_monthly
    """)
    assert {tuple(row[:4]): row[4] for row in od_rows} == dict(flows)


# --- the people's marts against the hand-written expected coupons -------------------------

def coupon_ends(row: dict) -> list[tuple[str, str, str]]:
    """(region, flow, side) of each end of a counted coupon, by the region rule."""
    flow = row["flow_code"]
    if flow == "external":
        return [(row["region_code"], flow, "arrivals" if row["coupon_type_code"] == "A" else "departures")]
    if flow == "interregional":
        return [(row["region_code"], flow, "arrivals"), (row["counterpart_region_code"], flow, "departures")]
    return [(row["region_code"], flow, "arrivals"), (row["region_code"], flow, "departures")]


def working_age_bounds() -> dict[tuple[int, str], tuple[int, int]]:
    with open(PROJECT_DIR / "seeds" / "reference" / "working_age_bounds.csv", newline="",
              encoding="utf-8") as handle:
        return {(int(row["year"]), row["sex_code"]): (int(row["working_age_from_years"]),
                                                      int(row["working_age_to_years"]))
                for row in csv.DictReader(handle)}


def expected_age_groups(row: dict, bounds: dict) -> tuple[str, str]:
    """(five-year group, working-age group) of a counted coupon, from its sex and age."""
    if not row["age_years"]:
        return "_U", "WA_U"
    age, year = int(row["age_years"]), int(row["registration_year"])
    five_year = "Y_GE80" if age >= 80 else f"Y{age // 5 * 5}T{age // 5 * 5 + 4}"
    sexes = [row["sex_code"]] if row["sex_code"] in ("M", "F") else ["M", "F"]
    groups = {"UWA" if age < bounds[(year, sex)][0] else "WA" if age <= bounds[(year, sex)][1]
              else "OWA" for sex in sexes}
    return five_year, groups.pop() if len(groups) == 1 else "WA_U"


def test_people_marts_equal_the_expected_coupons(full_build, expected_coupons):
    """latest's marts by sex and age, by reason and by citizenship count the hand-written
    expected coupons by the region rule; unknown values are not stated; their margin rows
    (the republic, both sexes, all ages) sum them."""
    bounds = working_age_bounds()
    by_age: Counter = Counter()
    by_reason: Counter = Counter()
    by_citizenship: Counter = Counter()
    for row in expected_coupons:
        year = int(row["registration_year"])
        five_year, working = expected_age_groups(row, bounds)
        for region, flow, side in coupon_ends(row):
            by_age[(year, region, flow, row["sex_code"], "five_year", five_year, side)] += 1
            by_age[(year, region, flow, row["sex_code"], "working_age", working, side)] += 1
            by_reason[(year, region, flow, row["reason_code"], side)] += 1
            if flow == "external":
                by_citizenship[(year, region, row["citizenship_code"], side)] += 1

    # the margins: the republic (KZ), both sexes (_T), all ages (_T, from either grouping)
    for (year, region, flow, sex, grouping, group, side), count in list(by_age.items()):
        for region_or_republic in (region, "KZ"):
            for sex_or_both in (sex, "_T"):
                if (region_or_republic, sex_or_both) != (region, sex):
                    by_age[(year, region_or_republic, flow, sex_or_both, grouping, group,
                            side)] += count
                if grouping == "five_year":
                    by_age[(year, region_or_republic, flow, sex_or_both, "_T", "_T",
                            side)] += count
    for (year, region, flow, reason, side), count in list(by_reason.items()):
        by_reason[(year, "KZ", flow, reason, side)] += count
    for (year, region, citizenship, side), count in list(by_citizenship.items()):
        by_citizenship[(year, "KZ", citizenship, side)] += count

    def mart(sql: str) -> Counter:
        found: Counter = Counter()
        for *key, arrivals, departures in query(full_build, sql):
            found[(*key, "arrivals")] += arrivals
            found[(*key, "departures")] += departures
        return +found  # zeros dropped

    assert mart("""
        select year, region_code, flow_code, sex_code, age_grouping_code, age_group_code,
            arrivals, departures
        from marts.migration_by_sex_and_age_annual where release_id = 'latest'""") == by_age
    assert mart("""
        select year, region_code, flow_code, reason_code, arrivals, departures
        from marts.migration_by_reason_annual where release_id = 'latest'""") == by_reason
    assert mart("""
        select year, region_code, citizenship_code, arrivals, departures
        from marts.external_migration_by_citizenship_annual
        where release_id = 'latest'""") == by_citizenship


# --- release tables: re-aggregated monthly marts, reproducibility after later deliveries ---

REGION_COLUMNS = ("arrivals, departures, net_migration, external_arrivals, external_departures, external_net_migration, "
                  "interregional_arrivals, interregional_departures, interregional_net, intraregional_moves")


def release_tables(database: Path, release_id: str) -> dict[str, set]:
    """The release's own tables: the rows of its own year (source_release_id is the release)."""
    return {
        "regions": set(query(database, f"""
            select region_code, {REGION_COLUMNS} from marts.migration_by_region_annual
            where release_id = ? and source_release_id = release_id
                and arrivals + departures > 0""", [release_id])),
        "countries": set(query(database, """
            select country_code, is_cis, arrivals, departures, net_migration
            from marts.external_migration_by_country_annual
            where release_id = ? and source_release_id = release_id""", [release_id])),
        "flows": set(query(database, """
            select flows.origin_region_code, flows.destination_region_code, flows.migrants
            from marts.interregional_flows_annual as flows
            inner join marts.dim_release as releases
                on flows.release_id = releases.release_id and flows.year = releases.period_year
            where flows.release_id = ?""", [release_id])),
        "key_points": set(query(database, """
            select arrivals, departures, net_migration, cis_arrivals_share_pct, cis_departures_share_pct,
                   internal_migrants, regions_with_positive_interregional_net
            from marts.release_key_points where release_id = ?""", [release_id])),
    }


def test_monthly_marts_add_up_to_the_release_built_at_its_cutoff(release_cutoff_build):
    year, last_month = 2023, 3
    summed_regions = set(query(release_cutoff_build, f"""
        select region_code, {", ".join(f"sum({column.strip()})" for column in REGION_COLUMNS.split(","))}
        from marts.net_migration_monthly
        where year = ? and month <= ?
        group by region_code
        having sum(arrivals) + sum(departures) > 0""", [year, last_month]))
    summed_countries = set(query(release_cutoff_build, """
        select country_code, is_cis, sum(arrivals), sum(departures), sum(net_migration)
        from marts.external_migration_by_country_monthly
        where year = ? and month <= ?
        group by country_code, is_cis""", [year, last_month]))
    summed_flows = set(query(release_cutoff_build, """
        select origin_region_code, destination_region_code, sum(migrants)
        from marts.interregional_flows_monthly
        where year = ? and month <= ?
        group by origin_region_code, destination_region_code""", [year, last_month]))

    tables = release_tables(release_cutoff_build, RELEASE)
    assert tables["regions"] == summed_regions
    assert tables["countries"] == summed_countries
    assert tables["flows"] == summed_flows
    (arrivals, departures, *_), = tables["key_points"]
    assert arrivals == sum(row[2] for row in summed_countries)
    assert departures == sum(row[3] for row in summed_countries)
    assert arrivals > 0 and summed_flows


def test_a_release_is_reproduced_after_later_deliveries(full_build, release_cutoff_build):
    at_cutoff = release_tables(release_cutoff_build, RELEASE)
    later = release_tables(full_build, RELEASE)
    assert later == at_cutoff
    # ... while the monthly marts of the full build do see the later correction
    monthly_full = query(full_build, """
        select country_code, sum(arrivals) from marts.external_migration_by_country_monthly
        where year = 2023 and month <= 3 group by country_code order by country_code""")
    monthly_cutoff = query(release_cutoff_build, """
        select country_code, sum(arrivals) from marts.external_migration_by_country_monthly
        where year = 2023 and month <= 3 group by country_code order by country_code""")
    assert monthly_full != monthly_cutoff


def test_release_dynamic_tables_are_as_of_the_release_cutoff(full_build, release_cutoff_build):
    """The dynamic tables of 2023-03-p in the full build (which has the May correction)
    equal, month by month, the monthly marts of a build on the landing of its cut-off
    (its `latest` evaluation); the `latest` monthly marts of the full build do not."""
    dynamic = {
        "regions": f"""
            select month, region_code, {REGION_COLUMNS}
            from marts.migration_by_region_monthly
            where release_id = '{RELEASE}' and year = 2023""",
        "external": f"""
            select month, arrivals, departures, net_migration, cis_arrivals, cis_departures
            from marts.migration_monthly
            where release_id = '{RELEASE}' and year = 2023""",
        "internal": f"""
            select month, internal_migrants, interregional_migrants, intraregional_migrants
            from marts.migration_monthly
            where release_id = '{RELEASE}' and year = 2023""",
    }
    as_built = {
        "regions": f"""
            select month, region_code, {REGION_COLUMNS} from marts.net_migration_monthly
            where year = 2023 and month <= 3""",
        "external": """
            select month, arrivals, departures, net_migration, cis_arrivals, cis_departures
            from marts.migration_monthly
            where release_id = 'latest' and year = 2023 and month <= 3""",
        "internal": """
            select month, internal_migrants, interregional_migrants, intraregional_migrants
            from marts.migration_monthly
            where release_id = 'latest' and year = 2023 and month <= 3""",
    }
    for table in dynamic:
        in_full_build = sorted(query(full_build, dynamic[table]))
        assert in_full_build == sorted(query(release_cutoff_build, as_built[table])), table
        assert {row[0] for row in in_full_build} == {1, 2, 3}, table
    assert sorted(query(full_build, dynamic["external"])) != sorted(query(full_build, as_built["external"]))


def test_release_dynamic_years_come_from_the_december_releases_out_by_the_cutoff(full_build):
    """2023-03-p (cut-off 30 April 2023) shows 2022 from the revised 2022-12-r (out on
    31 March 2023), 2021 from the revised 2021-12-r (out on 31 March 2022; the calendar holds
    it since issue 28), and its own year January–March as its key points."""
    years = query(full_build, f"""
        select annual.year, annual.source_release_id, annual.months_covered, annual.arrivals,
            annual.departures, annual.net_migration, key_points.arrivals, key_points.departures,
            key_points.net_migration
        from marts.migration_annual as annual
        inner join marts.release_key_points as key_points
            on annual.source_release_id = key_points.release_id
        where annual.release_id = '{RELEASE}'
        order by annual.year""")
    assert [row[:3] for row in years] == [(2021, "2021-12-r", 12), (2022, "2022-12-r", 12),
                                          (2023, RELEASE, 3)]
    for row in years:
        assert row[3:6] == row[6:9]
    own_year = query(full_build, f"""
        select arrivals, departures, net_migration from marts.release_key_points
        where release_id = '{RELEASE}'""")[0]
    assert years[-1][3:6] == own_year and own_year[0] > 0


def test_published_figures_compared_has_one_row_per_published_figure(full_build):
    with open(PROJECT_DIR / "seeds" / "reference" / "published_figures.csv", newline="", encoding="utf-8") as handle:
        published = [(row["release_id"], row["figure_code"], row["dimension_code"] or None) for row in csv.DictReader(handle)]
    compared = query(full_build, "select release_id, figure_code, dimension_code from audit.published_figures_compared")
    assert sorted(compared, key=str) == sorted(published, key=str)


# --- contract and documentation -----------------------------------------------------------

def test_named_marts_hold_exactly_the_contract_columns(full_build):
    for table, columns in NAMED_MART_COLUMNS.items():
        actual = query(full_build, """
            select column_name from information_schema.columns
            where table_schema = 'marts' and table_name = ? order by ordinal_position""", [table])
        assert [name for (name,) in actual] == columns, table


def test_docs_describe_every_public_mart_and_column(full_build):
    workdir = full_build.parent
    environment = {
        "DBT_DUCKDB_PATH": str(full_build),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "KZMIG_DUCKDB_TEMP_DIR": str(workdir / "tmp"),
    }
    with mock.patch.dict(os.environ, environment):
        run_dbt(["docs", "generate", "--vars", dbt_vars(FIXTURE_LANDING)], quiet=True)
    manifest = json.loads((workdir / "target" / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((workdir / "target" / "catalog.json").read_text(encoding="utf-8"))

    public_marts = {
        unique_id: node for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    assert set(NAMED_MART_COLUMNS) <= {node["name"] for node in public_marts.values()}
    for unique_id, node in public_marts.items():
        assert node["access"] == "public", node["name"]
        assert node["config"]["contract"]["enforced"], node["name"]
        assert node["description"].strip(), node["name"]
        built_columns = {name.lower() for name in catalog["nodes"][unique_id]["columns"]}
        documented = {name.lower(): column for name, column in node["columns"].items()}
        assert built_columns == set(documented), node["name"]
        for name, column in documented.items():
            assert column["description"].strip(), f"{node['name']}.{name}"
            assert column["data_type"], f"{node['name']}.{name}"


def test_the_disclosure_audit_passes_on_the_fixture_world(full_build):
    """The quick version of tests/python/test_disclosure_audit.py: the intruder's linear
    programmes over every release of the fixture world pin no withheld count and confine
    none to 1-2, and the published cells agree with each other."""
    from disclosure_audit import audit_releases

    from kzmig.publish import published_path

    audits = audit_releases(published_path(full_build), margins=False)
    assert audits
    assert sum(result.withheld for result in audits) > 0  # the fixtures have small counts
    for result in audits:
        assert result.inconsistent == [], result.release_id
        assert result.findings == [], (result.release_id, result.findings[:5])
