"""The project's reference data, as the generator needs it (read from the seeds)."""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kzmig.project import PROJECT_DIR

SEEDS_DIR = PROJECT_DIR / "seeds" / "reference"
WORLD_FILE = Path(__file__).with_name("world.toml")
EPOCH = dt.date(1970, 1, 1)


def day_number(value: dt.date) -> int:
    """Days since 1970-01-01."""
    return (value - EPOCH).days


def read_seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS_DIR / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def parse_timestamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.strip().replace(" ", "T"))


@dataclass(frozen=True)
class Release:
    release_id: str
    year: int
    end_month: int
    vintage: str  # 'preliminary' or 'revised'
    cutoff: dt.datetime


@dataclass(frozen=True)
class Figure:
    release_id: str
    figure_code: str
    dimension_code: str
    dimension_rank: int | None
    published_value: float
    is_reproducible: bool
    reproduced_value: float | None
    published_decimals: int = 0  # -2: a count published in thousands with one decimal


@dataclass
class Reference:
    region_codes: list[str]
    region_valid_from: dict[str, int]  # day number, or a very small number
    region_valid_to: dict[str, int]  # day number, or a very large number
    population: dict[str, int]
    countries: list[str]  # ISO alpha-3 codes (is_iso_country)
    cis: set[str]
    ethnic_groups: list[str]
    reasons: list[str]
    releases: list[Release]
    figures: list[Figure]
    world: dict = field(repr=False)

    def region_in_force(self, region: str, day: int) -> bool:
        return self.region_valid_from[region] <= day <= self.region_valid_to[region]

    def figures_of(self, release_id: str, figure_code: str) -> list[Figure]:
        return [figure for figure in self.figures
                if figure.release_id == release_id and figure.figure_code == figure_code]

    def figure(self, release_id: str, figure_code: str) -> Figure | None:
        found = self.figures_of(release_id, figure_code)
        return found[0] if found else None


def load_reference() -> Reference:
    regions = read_seed("regions")
    far_past, far_future = -10**6, 10**6
    valid_from = {row["region_code"]: day_number(dt.date.fromisoformat(row["valid_from_date"]))
                  if row["valid_from_date"] else far_past for row in regions}
    valid_to = {row["region_code"]: day_number(dt.date.fromisoformat(row["valid_to_date"]))
                if row["valid_to_date"] else far_future for row in regions}
    population = {row["territory_code"]: int(row["population"]) for row in read_seed("population")
                  if row["population_date"] == "2023-01-01" and row["territory_code"] != "KZ"}
    countries = read_seed("countries")
    releases = [Release(row["release_id"], int(row["period_year"]), int(row["period_end_month"]),
                        row["vintage"], parse_timestamp(row["cutoff_at"]))
                for row in read_seed("release_calendar")]
    figures = [Figure(row["release_id"], row["figure_code"], row["dimension_code"],
                      int(row["dimension_rank"]) if row["dimension_rank"] else None,
                      float(row["published_value"]), row["is_reproducible"] == "true",
                      float(row["reproduced_value"]) if row["reproduced_value"] else None,
                      int(row["published_decimals"]))
               for row in read_seed("published_figures")]
    with open(WORLD_FILE, "rb") as handle:
        world = tomllib.load(handle)
    return Reference(
        region_codes=[row["region_code"] for row in regions],
        region_valid_from=valid_from,
        region_valid_to=valid_to,
        population=population,
        countries=[row["country_code"] for row in countries if row["is_iso_country"] == "true"],
        cis={row["country_code"] for row in countries if row["is_cis"] == "true"},
        ethnic_groups=[row["ethnic_group_code"] for row in read_seed("ethnic_groups")],
        reasons=[row["reason_code"] for row in read_seed("reasons")],
        releases=sorted(releases, key=lambda release: release.cutoff),
        figures=figures,
        world=world,
    )
