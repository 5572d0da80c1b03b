"""The calibrated synthetic world, built into the warehouse, gives every published figure.

The warehouse is built once per session (conftest: `calibrated_world`,
`calibrated_warehouse`) on the world `kzmig generate` writes by default. The published
figures are read from the warehouse's own seed table reference.published_figures, and
each is looked up in the public marts of its release (each release computed at its own
cut-off by the warehouse): no figure is copied into this file.

Also: the complete lists of regions with a positive interregional net (every other
region negative), the published ranks (top countries, regions and ethnic groups), the
figures published in thousands (compared at that precision), the calendar's cut-off rule
and the same-vintage releases every published change is computed on, the warehouse's own
comparison (audit.published_figures_compared), the audit account of every input row
against the generator's manifest, and the release `kzmig run` exports (the calendar's
latest).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest

from conftest import query
from kzmig.generator import MANIFEST
from kzmig.project import PROJECT_DIR

# The release's own figures in the marts that hold every evaluation by year or period: the
# rows of its own year (by year: source_release_id is the release itself), or of its own
# period (the cumulative marts), of each release_id.
OWN_YEAR_BY_REGION = """(select * from marts.migration_by_region_annual
                          where source_release_id = release_id)"""
OWN_YEAR_BY_COUNTRY = """(select * from marts.external_migration_by_country_annual
                          where source_release_id = release_id)"""
OWN_PERIOD_BY_ETHNIC_GROUP = """(select by_group.*
                                 from marts.external_migration_by_ethnic_group_cumulative as by_group
                                 inner join marts.dim_release as releases
                                     on by_group.release_id = releases.release_id
                                     and by_group.period_year = releases.period_year
                                     and by_group.period_end_month = releases.period_end_month)"""

# Where each published figure lives in the marts: (mart, value column, dimension column).
FIGURE_SOURCES = {
    "arrivals": ("marts.release_key_points", "arrivals", None),
    "departures": ("marts.release_key_points", "departures", None),
    "net_migration": ("marts.release_key_points", "net_migration", None),
    "arrivals_change_pct": ("marts.release_key_points", "arrivals_change_pct", None),
    "departures_change_pct": ("marts.release_key_points", "departures_change_pct", None),
    "cis_arrivals_share_pct": ("marts.release_key_points", "cis_arrivals_share_pct", None),
    "cis_departures_share_pct": ("marts.release_key_points", "cis_departures_share_pct", None),
    "internal_migrants_change_pct": ("marts.release_key_points", "internal_migrants_change_pct", None),
    "regions_with_positive_interregional_net": ("marts.release_key_points",
                                                "regions_with_positive_interregional_net", None),
    "interregional_net": (OWN_YEAR_BY_REGION, "interregional_net", "region_code"),
    "arrivals_by_country": (OWN_YEAR_BY_COUNTRY, "arrivals", "country_code"),
    "external_arrivals_by_region": (OWN_YEAR_BY_REGION, "external_arrivals", "region_code"),
    "arrivals_by_ethnic_group": (OWN_PERIOD_BY_ETHNIC_GROUP, "arrivals", "ethnic_group_code"),
}


def shown(value, decimals: int) -> Decimal | None:
    """As published: rounded to the published decimals, halves away from zero."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def published(calibrated_warehouse):
    rows = query(calibrated_warehouse, """
        select release_id, figure_code, dimension_code, dimension_rank, published_value,
               published_decimals, is_reproducible, reproduced_value
        from reference.published_figures
        order by release_id, figure_code, dimension_rank""")
    columns = ["release_id", "figure_code", "dimension_code", "dimension_rank", "published_value",
               "published_decimals", "is_reproducible", "reproduced_value"]
    return [dict(zip(columns, row)) for row in rows]


@pytest.fixture(scope="module")
def manifest(calibrated_world):
    with open(calibrated_world / MANIFEST, encoding="utf-8") as handle:
        return json.load(handle)


def mart_values(database, figure_code: str, release_id: str) -> dict:
    """{dimension code (None for the country): value} of a figure in a release."""
    mart, column, dimension = FIGURE_SOURCES[figure_code]
    dimension_sql = dimension or "null"
    rows = query(database, f"select {dimension_sql}, {column} from {mart} as figures where release_id = ?",
                 [release_id])
    values = dict(rows)
    assert len(values) == len(rows), (figure_code, release_id)  # one row per dimension
    return values


def test_every_release_of_the_calendar_is_computed(calibrated_warehouse):
    calendar = {row[0] for row in query(calibrated_warehouse, "select release_id from reference.release_calendar")}
    computed = {row[0] for row in query(calibrated_warehouse, "select release_id from marts.release_key_points where vintage != 'latest'")}
    assert calendar and computed == calendar


def test_every_published_figure_is_reproduced(calibrated_warehouse, published):
    checked, failures = 0, []
    for figure in published:
        values = mart_values(calibrated_warehouse, figure["figure_code"], figure["release_id"])
        got = shown(values.get(figure["dimension_code"]), figure["published_decimals"])
        if figure["is_reproducible"]:
            wanted = figure["published_value"]
        elif figure["reproduced_value"] is not None:
            wanted = figure["reproduced_value"]  # published inconsistently; the warehouse computes this
        else:
            # A change on 2020, before the base year: the warehouse has nothing to compare with.
            if got is not None:
                failures.append((figure["release_id"], figure["figure_code"], "expected no value", got))
            continue
        checked += 1
        if got != shown(wanted, figure["published_decimals"]):
            failures.append((figure["release_id"], figure["figure_code"], figure["dimension_code"], got, wanted))
    assert failures == []
    assert checked == sum(1 for figure in published
                          if figure["is_reproducible"] or figure["reproduced_value"] is not None)


# The rank column of each mart with ranked dimensions; a residual category (other or not
# stated ethnic groups) has no rank there and takes no place.
RANK_COLUMNS = {
    "interregional_net": "interregional_net_rank",
    "arrivals_by_country": "arrivals_rank",
    "external_arrivals_by_region": "external_arrivals_rank",
    "arrivals_by_ethnic_group": "arrivals_rank",
}


def test_published_ranks_hold(calibrated_warehouse, published):
    """A published rank is the figure's place among every ranked value of its table."""
    failures = []
    for figure in published:
        if figure["dimension_rank"] is None or not figure["is_reproducible"]:
            continue
        mart, column, dimension = FIGURE_SOURCES[figure["figure_code"]]
        rank_column = RANK_COLUMNS[figure["figure_code"]]
        rows = query(calibrated_warehouse,
                     f"select {dimension}, {column}, {rank_column} from {mart} as figures"
                     " where release_id = ?", [figure["release_id"]])
        ranked = {code: value for code, value, rank in rows if rank is not None}
        mine = ranked[figure["dimension_code"]]
        place = 1 + sum(1 for code, value in ranked.items() if code != figure["dimension_code"] and value >= mine)
        mart_rank = {code: rank for code, _, rank in rows}[figure["dimension_code"]]
        if (place, mart_rank) != (figure["dimension_rank"], figure["dimension_rank"]):
            failures.append((figure["release_id"], figure["figure_code"], figure["dimension_code"], place, mart_rank))
    assert failures == []


def test_figures_published_in_thousands_are_compared_at_that_precision(calibrated_warehouse, published):
    """A count published in thousands (stored in persons) with one decimal
    (published_decimals -2) or none (-3) is met when the computed count rounds half up to
    it at hundreds or thousands; the world's counts are not round numbers, so the
    precision is what makes them match."""
    in_thousands = [figure for figure in published if figure["published_decimals"] < 0]
    assert {figure["published_decimals"] for figure in in_thousands} == {-2, -3}
    exact = {}
    for figure in in_thousands:
        values = mart_values(calibrated_warehouse, figure["figure_code"], figure["release_id"])
        value = values[figure["dimension_code"]]
        decimals = figure["published_decimals"]
        assert shown(value, decimals) == shown(figure["published_value"], decimals), figure
        assert abs(value - figure["published_value"]) <= 10 ** -decimals / 2, figure
        exact[(figure["release_id"], figure["figure_code"], figure["dimension_code"])] = value
    assert any(value != figure["published_value"] for value, figure in zip(exact.values(), in_thousands))
    rows = query(calibrated_warehouse, """
        select release_id, figure_code, dimension_code, published_value, computed_value, is_match
        from audit.published_figures_compared where published_decimals < 0""")
    assert len(rows) == len(in_thousands)
    for release_id, figure_code, dimension_code, published_value, computed_value, is_match in rows:
        assert is_match and computed_value == published_value, (release_id, figure_code, dimension_code)
        assert (release_id, figure_code, dimension_code) in exact


def read_calendar() -> list[dict]:
    with (PROJECT_DIR / "seeds" / "reference" / "release_calendar.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def end_of_month(year: int, month: int) -> str:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return f"{dt.date(year, month, calendar.monthrange(year, month)[1])} 23:59:59"


def test_calendar_cutoffs_follow_the_rule():
    """A preliminary release (quarterly, annual or monthly cumulative) is cut off at the end
    of the month after its period; a revised one at the end of March of the next year."""
    releases = read_calendar()
    assert releases
    for release in releases:
        year, month = int(release["period_year"]), int(release["period_end_month"])
        rule = end_of_month(year, month + 1) if release["vintage"] == "preliminary" else end_of_month(year + 1, 3)
        assert release["cutoff_at"] == rule, release["release_id"]
        assert release["release_id"] == f"{year}-{month:02d}-{release['vintage'][0]}"


def test_every_published_change_has_its_same_vintage_base(calibrated_warehouse, published):
    """Each reproducible change is computed on the release of the same period of the
    previous year at the same vintage, which the calendar holds (e.g. the monthly 2021
    releases for January-February and January-April 2022)."""
    changes = {figure["release_id"] for figure in published
               if figure["figure_code"].endswith("_change_pct") and figure["is_reproducible"]}
    assert changes
    rows = dict(query(calibrated_warehouse,
                      "select release_id, comparison_release_id from marts.release_key_points"))
    vintages = dict(query(calibrated_warehouse, "select release_id, vintage from marts.release_key_points"))
    for release_id in changes:
        base = rows[release_id]
        assert base is not None, release_id
        year, month, vintage = release_id.split("-")
        assert base == f"{int(year) - 1}-{month}-{vintage}" and vintages[base] == vintages[release_id]


def test_kzmig_run_exports_the_latest_release_of_the_calendar(calibrated_warehouse, tmp_path):
    """`kzmig run` exports (export_latest) the release of the latest period of the calendar,
    the revised one when there is one: on the calibrated world, whose deliveries run past
    every cut-off of the calendar, the latest row of the calendar."""
    from kzmig.export import export_latest

    releases = read_calendar()
    latest_period = max((int(row["period_year"]), int(row["period_end_month"])) for row in releases)
    candidates = [row for row in releases
                  if (int(row["period_year"]), int(row["period_end_month"])) == latest_period]
    expected = sorted(candidates, key=lambda row: row["vintage"] != "revised")[0]
    folder = export_latest(out_dir=tmp_path, warehouse=calibrated_warehouse, quiet=True)
    assert folder.name == expected["release_id"]
    document = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert (document["release_id"], document["vintage"]) == (expected["release_id"], expected["vintage"])
    assert document["synthetic"] is True  # the warehouse knows the world is synthetic


def test_positive_interregional_net_lists_are_complete(calibrated_warehouse, published):
    """Where BNS gave the number of regions with a positive interregional net, those
    listed are the only positive ones and every other region is negative."""
    complete = {figure["release_id"]: int(figure["published_value"]) for figure in published
                if figure["figure_code"] == "regions_with_positive_interregional_net"}
    assert complete
    for release_id, count in complete.items():
        listed = {figure["dimension_code"] for figure in published
                  if figure["release_id"] == release_id and figure["figure_code"] == "interregional_net"}
        net = mart_values(calibrated_warehouse, "interregional_net", release_id)
        assert len(listed) == count
        assert {region for region, value in net.items() if value > 0} == listed, release_id
        assert all(value < 0 for region, value in net.items() if region not in listed), release_id
        assert sum(net.values()) == 0


def test_warehouse_audit_agrees(calibrated_warehouse):
    """The warehouse's own published-versus-computed account says the same; the changes
    on 2020 (before the base year) have no computed value there."""
    rows = query(calibrated_warehouse, """
        select release_id, figure_code, dimension_code, computed_value, is_as_expected
        from audit.published_figures_compared
        where (is_reproducible or reproduced_value is not null) and not coalesce(is_as_expected, false)
           or not is_reproducible and reproduced_value is null and computed_value is not null""")
    assert rows == []


def test_audit_account_equals_manifest(calibrated_warehouse, manifest):
    """Every input row ends in the outcome the generator wrote it for."""
    rows = query(calibrated_warehouse,
                 "select outcome, reject_reason, count(*) from audit.coupon_outcomes group by all")
    outcomes, reasons = Counter(), Counter()
    for outcome, reason, count in rows:
        outcomes[outcome] += count
        if reason is not None:
            reasons[reason] += count
    assert sum(outcomes.values()) == manifest["rows"]
    assert outcomes == Counter({name: count for name, count in manifest["outcomes"].items() if count})
    assert reasons == Counter({name: count for name, count in manifest["reject_reasons"].items() if count})
    # Every outcome and every reject reason of the spec occurs (after_cutoff needs a cut-off).
    assert all(count > 0 for count in manifest["outcomes"].values())
    assert all(count > 0 for count in manifest["reject_reasons"].values())


def test_values_kept_as_unknown_equal_manifest(calibrated_warehouse, manifest):
    (sex, age, citizenship, ethnic_group, reason), = query(calibrated_warehouse, """
        select count(*) filter (where sex_code = 'U'), count(*) filter (where age_years is null),
               count(*) filter (where citizenship_code = 'XXX'), count(*) filter (where ethnic_group_code = '999'),
               count(*) filter (where reason_code = '99')
        from audit.coupon_outcomes as outcomes
        inner join intermediate.int_coupon_rows_checked as versions
            on outcomes.source_file = versions.source_file
            and outcomes.source_row = versions.source_row
        where outcomes.outcome = 'counted'""")
    assert {"sex": sex, "age": age, "citizenship": citizenship, "ethnic_group": ethnic_group,
            "reason": reason} == manifest["counted_with_unknown"]


def test_releases_give_what_the_generator_built(calibrated_warehouse, manifest):
    """Also the values the facts leave open (e.g. 2021-03-p, internal migrants of the
    revised releases) come out as the generator built them."""
    rows = query(calibrated_warehouse,
                 "select release_id, arrivals, departures, internal_migrants from marts.release_key_points "
                 "where vintage != 'latest'")
    for release_id, arrivals, departures, internal in rows:
        built = manifest["releases"][release_id]
        assert (arrivals, departures, internal) == (built["arrivals"], built["departures"], built["internal"])


def test_world_is_realistic(calibrated_warehouse):
    """About 0.8 million internal moves a year in 2021-2022, 1.05 million in 2023, the 2024
    jump (about +47 %) and more in 2025, roughly two in five interregional, most of them
    towards Astana, Almaty and Shymkent; departures abroad falling, by about 40 % in 2025;
    every month populated; the non-CIS arrivals of January-September 2025 mostly from
    China, Mongolia and Turkey (as the press said)."""
    rows = query(calibrated_warehouse, """
        select registration_year,
               coalesce(sum(coupon_count) filter (where flow_code <> 'external'), 0),
               coalesce(sum(coupon_count) filter (where flow_code = 'interregional'), 0),
               count(distinct registration_month)
        from intermediate.int_coupon_counts_evaluated
        where cell_shape_code = 'coupon' and release_id = 'latest' and registration_year between 2021 and 2025
        group by 1 order by 1""")
    internal = {year: (moves, interregional, months) for year, moves, interregional, months in rows}
    for year in (2021, 2022):
        assert 0.75e6 <= internal[year][0] <= 0.9e6
    assert 1.0e6 <= internal[2023][0] <= 1.1e6
    assert 1.40 <= internal[2024][0] / internal[2023][0] <= 1.55
    assert 1.05 <= internal[2025][0] / internal[2024][0] <= 1.30
    departures = dict(query(calibrated_warehouse, """
        select registration_year, sum(coupon_count) from intermediate.int_coupon_counts_evaluated
        where cell_shape_code = 'coupon' and release_id = 'latest' and flow_code = 'external' and coupon_type_code = 'D'
        group by 1"""))
    assert departures[2021] > departures[2022] > departures[2023] > departures[2024] > departures[2025]
    assert 0.5 <= departures[2025] / departures[2024] <= 0.7
    for moves, interregional, months in internal.values():
        assert 0.35 <= interregional / moves <= 0.45
        assert months == 12
    top = query(calibrated_warehouse, """
        select region_code from intermediate.int_coupon_counts_evaluated
        where cell_shape_code = 'coupon' and release_id = 'latest' and flow_code = 'interregional' and registration_year = 2023
        group by 1 order by sum(coupon_count) desc limit 2""")
    assert {row[0] for row in top} == {"71", "75"}
    top_other = query(calibrated_warehouse, """
        select by_country.country_code from marts.external_migration_by_country_annual as by_country
        where release_id = '2025-09-p' and source_release_id = release_id and not is_cis
        order by arrivals desc limit 3""")
    assert [row[0] for row in top_other] == ["CHN", "MNG", "TUR"]


def test_no_two_regions_share_an_interregional_net(calibrated_warehouse):
    """In no release does its own year (the period it publishes) give two regions one
    interregional net: the generator's free choices (the losses shared out among the
    regions BNS did not name) look like counts, not like one number repeated."""
    calendar_releases = {row[0] for row in query(calibrated_warehouse, "select release_id from reference.release_calendar")}
    rows = query(calibrated_warehouse, f"""
        select release_id, region_code, interregional_net from {OWN_YEAR_BY_REGION} as figures""")
    by_release: dict[str, list[int]] = {}
    for release_id, _, net in rows:
        by_release.setdefault(release_id, []).append(net)
    assert set(by_release) >= calendar_releases
    shared = {release_id: [value for value, count in Counter(values).items() if count > 1]
              for release_id, values in by_release.items() if release_id in calendar_releases}
    assert {release_id: values for release_id, values in shared.items() if values} == {}
    assert all(len(by_release[release_id]) >= 17 for release_id in calendar_releases)


@pytest.mark.parametrize("release_id", ["2025-12-p", "latest"])
def test_the_republics_intensity_covers_every_year(calibrated_warehouse, release_id):
    """The republic's net migration per 1,000 exists for every year 2021-2025 of the
    latest release and of `latest`, in the country's table by year (on the average annual
    population: the mean of 1 January of the year and of the next, from the population
    seed) and in the republic's row of the region table of each year."""
    populations = dict(query(calibrated_warehouse, """
        select cast(extract(year from population_date) as integer), population from reference.population
        where territory_code = 'KZ' and extract(month from population_date) = 1
            and extract(day from population_date) = 1"""))
    annual = query(calibrated_warehouse, """
        select year, net_migration, external_net_migration_per_1000_average_population, population_basis_code
        from marts.migration_annual where release_id = ? and year between 2021 and 2025 order by year""",
                   [release_id])
    assert [row[0] for row in annual] == [2021, 2022, 2023, 2024, 2025]
    for year, net, per_1000, basis in annual:
        average = (populations[year] + populations[year + 1]) / 2
        assert basis == "average_annual"
        assert per_1000 == pytest.approx(net / average * 1000), year
    republic = query(calibrated_warehouse, """
        select year, net_migration_per_1000_basis_population from marts.migration_intensity_annual
        where release_id = ? and territory_code = 'KZ' and year between 2021 and 2025 order by year""",
                     [release_id])
    assert [row[0] for row in republic] == [2021, 2022, 2023, 2024, 2025]
    assert all(per_1000 is not None for _, per_1000 in republic)
