"""The disclosure audit (tests/python/disclosure_audit.py): linear programming over every cell
a release publishes and every relation among them finds, for every withheld count, an
interval that neither pins it nor confines it to 1-2.

The audit is first shown to find what it must on small hand-made releases (a table whose
withheld cells a total gives away; the two age groupings of one region and sex; a pattern
that holds), then run on every release of the calibrated world."""

from __future__ import annotations

import csv

import duckdb
import pytest

from kzmig.project import PROJECT_DIR

from disclosure_audit import audit_release, audit_releases


def tiny_release(path, people: list[tuple], region_flows: dict[str, tuple[int, int]]):
    """A published marts file of one release (2023-12-p) with the region table and the
    people's mart by sex and age (rows: region, sex, grouping, age group, arrivals,
    arrivals withheld); the other people's marts empty. External arrivals only."""
    connection = duckdb.connect(str(path))
    connection.execute("create schema marts")
    connection.execute("create table marts.dim_release as select '2023-12-p' as release_id, "
                       "2023 as period_year")
    connection.execute(
        "create table marts.migration_by_region_annual (release_id varchar, "
        "source_release_id varchar, year integer, region_code varchar, external_arrivals bigint, "
        "external_departures bigint, interregional_arrivals bigint, "
        "interregional_departures bigint, intraregional_moves bigint)")
    for region, (arrivals, departures) in region_flows.items():
        connection.execute("insert into marts.migration_by_region_annual values "
                           "('2023-12-p', '2023-12-p', 2023, ?, ?, ?, 0, 0, 0)",
                           [region, arrivals, departures])
    columns = ("release_id varchar, year integer, region_code varchar, flow_code varchar, "
               "arrivals bigint, departures bigint, arrivals_is_suppressed boolean, "
               "departures_is_suppressed boolean, is_detail_withheld boolean")
    connection.execute(f"create table marts.migration_by_sex_and_age_annual ({columns}, "
                       "sex_code varchar, age_grouping_code varchar, age_group_code varchar)")
    connection.execute(f"create table marts.migration_by_reason_annual ({columns}, "
                       "reason_code varchar)")
    connection.execute(f"create table marts.external_migration_by_citizenship_annual "
                       f"({columns}, citizenship_code varchar)")
    for region, sex, grouping, group, arrivals, withheld in people:
        connection.execute(
            "insert into marts.migration_by_sex_and_age_annual values "
            "('2023-12-p', 2023, ?, 'external', ?, 0, ?, false, false, ?, ?, ?)",
            [region, arrivals, withheld, sex, grouping, group])
    connection.close()
    return path


def audit(path, margins=True):
    with duckdb.connect(str(path), read_only=True) as connection:
        return audit_release(connection, "2023-12-p", 2023, margins=margins)


def test_a_withheld_cell_the_total_gives_away_is_found(tmp_path):
    # one withheld cell in a group whose total (the region's flow) is published
    path = tiny_release(tmp_path / "one.duckdb", [
        ("11", "M", "five_year", "Y0T4", 2, True),
        ("11", "M", "five_year", "Y5T9", 10, False),
    ], {"11": (12, 0)})
    result = audit(path)
    assert result.withheld == 1
    assert [(finding.key[2], finding.value, finding.low, finding.high, finding.why)
            for finding in result.findings] == [("11", 2, 2.0, 2.0, "pinned")]


def test_two_age_groupings_of_the_same_people_give_a_cell_away(tmp_path):
    # the case, under the old rule (a group was region x flow x grouping, all sexes
    # together): the men's 2 of 70-74 withheld with the women's 3 of 20-24; the men's and the
    # women's totals are not published, but their working-age groups (all published) sum to
    # them, so the five-year groups give both withheld cells away
    path = tiny_release(tmp_path / "groupings.duckdb", [
        ("11", "M", "five_year", "Y20T24", 30, False),
        ("11", "M", "five_year", "Y60T64", 5, False),
        ("11", "M", "five_year", "Y70T74", 2, True),
        ("11", "M", "working_age", "WA", 30, False),
        ("11", "M", "working_age", "OWA", 7, False),
        ("11", "F", "five_year", "Y20T24", 3, True),
        ("11", "F", "five_year", "Y25T29", 37, False),
        ("11", "F", "working_age", "WA", 40, False),
    ], {"11": (77, 0)})
    result = audit(path)
    assert result.withheld == 2
    assert sorted((dict(finding.key[3])["sex_code"], dict(finding.key[3])["age_group_code"],
                   finding.value, finding.low, finding.high, finding.why)
                  for finding in result.findings) == [
        ("F", "Y20T24", 3, 3.0, 3.0, "pinned"), ("M", "Y70T74", 2, 2.0, 2.0, "pinned")]


def test_two_small_cells_withheld_together_are_confined_to_1_or_2(tmp_path):
    path = tiny_release(tmp_path / "confined.duckdb", [
        ("11", "M", "five_year", "Y0T4", 1, True),
        ("11", "M", "five_year", "Y5T9", 2, True),
        ("11", "M", "five_year", "Y10T14", 10, False),
    ], {"11": (13, 0)})
    assert sorted((finding.value, finding.low, finding.high, finding.why)
                  for finding in audit(path).findings) == [
        (1, 1.0, 2.0, "confined to 1-2"), (2, 1.0, 2.0, "confined to 1-2")]


def test_a_pattern_across_regions_and_the_republic_holds(tmp_path):
    # a 2 x 2 rectangle of withheld cells, every line with two: each moves by +/-3
    people = [
        ("11", "M", "five_year", "Y0T4", 1, True), ("11", "M", "five_year", "Y5T9", 4, True),
        ("11", "M", "five_year", "Y10T14", 9, False),
        ("15", "M", "five_year", "Y0T4", 5, True), ("15", "M", "five_year", "Y5T9", 6, True),
        ("15", "M", "five_year", "Y10T14", 8, False),
        ("KZ", "M", "five_year", "Y0T4", 6, False), ("KZ", "M", "five_year", "Y5T9", 10, False),
        ("KZ", "M", "five_year", "Y10T14", 17, False),
    ]
    path = tiny_release(tmp_path / "holds.duckdb", people, {"11": (14, 0), "15": (19, 0)})
    result = audit(path)
    assert result.withheld == 4
    assert result.findings == []
    assert result.inconsistent == []
    # without the republic's rows the same pattern holds too
    assert audit(path, margins=False).findings == []


def test_published_cells_that_contradict_each_other_are_reported(tmp_path):
    # both sexes' age groups sum to 15, the region's flow is 16
    path = tiny_release(tmp_path / "inconsistent.duckdb", [
        ("11", "_T", "five_year", "Y0T4", 5, False),
        ("11", "_T", "five_year", "Y5T9", 10, False),
    ], {"11": (16, 0)})
    assert len(audit(path).inconsistent) == 1


def test_every_release_of_the_calibrated_world_protects_every_withheld_count(
        calibrated_warehouse):
    """The release as it is published (the people's cells with their margins: the republic,
    both sexes, all ages, all reasons, all citizenships; and the region and flow totals): no
    withheld count is pinned or confined to 1-2, for every release of the calendar and for
    `latest` (in the calibrated world January-March 2026, small counts)."""
    from kzmig.publish import published_path

    audits = audit_releases(published_path(calibrated_warehouse), margins=True, latest=True)
    # every release of the calendar (the calibrated world is built without a cut-off)
    with open(PROJECT_DIR / "seeds" / "reference" / "release_calendar.csv", newline="") as handle:
        calendar = {row["release_id"] for row in csv.DictReader(handle)}
    assert {result.release_id for result in audits} == calendar | {"latest"}
    for result in audits:
        assert result.inconsistent == [], result.release_id
        assert result.withheld > 1000, result.release_id  # the audit saw the withheld cells
        assert result.findings == [], (result.release_id, result.findings[:5])
