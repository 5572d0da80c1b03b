"""What each year of the world must give: the targets of every release cut-off.

For a calibrated year the targets come from the published figures (the
published_figures and release_calendar seeds) and, where the figures leave a value
open, from the choices in world.toml. Scaled worlds (--years/--scale) reuse the
pattern of the calibrated years, multiplied.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import zlib

import numpy as np

from kzmig.project import KzmigError
from kzmig.generator.reference import Reference, day_number


NET_JITTER = 0.2  # how far a release's losses stray from the regions' loss weights


class PlanError(KzmigError):
    """The published figures and the world's choices cannot be reconciled."""


def round_half_away(value: Decimal, decimals: int = 1) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def shown_share(part: int, total: int, decimals: int = 1) -> Decimal:
    return round_half_away(Decimal(part) * 100 / Decimal(total), decimals)


def shown_change(current: int, previous: int, decimals: int = 1) -> Decimal:
    return round_half_away((Decimal(current) / Decimal(previous) - 1) * 100, decimals)


def count_for_share(total: int, share_pct: float, decimals: int = 1) -> int:
    """The count nearest to share_pct of total whose share, shown with `decimals`
    decimals, is share_pct."""
    wanted = round_half_away(Decimal(str(share_pct)), decimals)
    centre = round(total * share_pct / 100)
    for offset in sorted(range(-50, 51), key=abs):
        candidate = centre + offset
        if 0 <= candidate <= total and shown_share(candidate, total, decimals) == wanted:
            return candidate
    raise PlanError(f"no count of {total} gives a share of {share_pct} %")


def count_for_change(previous: int, change_pct: float, decimals: int = 1) -> int:
    """The count whose change on previous, shown with `decimals` decimals, is change_pct."""
    wanted = round_half_away(Decimal(str(change_pct)), decimals)
    centre = round(previous * (1 + change_pct / 100))
    for offset in sorted(range(-50, 51), key=abs):
        if shown_change(centre + offset, previous, decimals) == wanted:
            return centre + offset
    raise PlanError(f"no count gives a change of {change_pct} % on {previous}")


def end_of_month(year: int, month: int) -> dt.datetime:
    while month > 12:
        year, month = year + 1, month - 12
    return dt.datetime(year, month, calendar.monthrange(year, month)[1], 23, 59, 59)


def preliminary_cutoff(year: int, end_month: int) -> dt.datetime:
    """Release calendar rule: the end of the month after the period."""
    return end_of_month(year, end_month + 1)


def revised_cutoff(year: int) -> dt.datetime:
    """Release calendar rule: the end of March of the next year."""
    return end_of_month(year + 1, 3)


def seconds(moment: dt.datetime) -> int:
    return day_number(moment.date()) * 86400 + moment.hour * 3600 + moment.minute * 60 + moment.second


@dataclass
class Checkpoint:
    """One release cut-off of a year and what the coupons must give there."""

    release_id: str
    end_month: int
    vintage: str  # 'preliminary' or 'revised'
    cutoff: int  # seconds since 1970
    arrivals: int | None = None
    cis_arrivals: int | None = None
    departures: int | None = None
    cis_departures: int | None = None
    internal: int | None = None
    net: np.ndarray | None = None  # interregional net by region index (preliminary only)


@dataclass
class YearPlan:
    year: int
    months: list[int]
    checkpoints: list[Checkpoint]  # preliminary ones (by end month, the last 12) then the revised one
    revised_cutoff: int
    calibrated: bool
    scale: float
    arrival_country_quota: dict[str, int] = field(default_factory=dict)  # at arrival_country_release's cut-off
    arrival_country_release: str | None = None
    # (release, quota) of every release that published the regions of its arrivals, by cut-off
    arrival_region_quotas: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    arrival_ethnic_quota: dict[str, int] = field(default_factory=dict)
    arrival_ethnic_release: str | None = None

    @property
    def preliminary(self) -> list[Checkpoint]:
        return [point for point in self.checkpoints if point.vintage == "preliminary"]

    @property
    def revised(self) -> Checkpoint | None:
        found = [point for point in self.checkpoints if point.vintage == "revised"]
        return found[0] if found else None


class Planner:
    """Targets for every year of a world."""

    def __init__(self, reference: Reference):
        self.ref = reference
        self.world = reference.world
        first_day = day_number(dt.date(self.world["world"]["first_year"], 1, 1))
        self.regions = [code for code in reference.region_codes if reference.region_valid_to[code] >= first_day]
        self.region_index = {code: index for index, code in enumerate(self.regions)}
        self._internal_cache: dict[str, int] = {}
        self._calibrated = {year: self._calibrated_year(year) for year in self.world["world"]["calibrated_years"]}

    # ----- calibrated years -----------------------------------------------------

    def _release(self, release_id: str):
        for release in self.ref.releases:
            if release.release_id == release_id:
                return release
        return None

    def _comparison(self, release) -> str | None:
        for other in self.ref.releases:
            if (other.year == release.year - 1 and other.end_month == release.end_month
                    and other.vintage == release.vintage):
                return other.release_id
        return None

    def internal_migrants(self, release_id: str) -> int:
        """Internal migrants of a release: chosen, or derived from a published change."""
        if release_id in self._internal_cache:
            return self._internal_cache[release_id]
        chosen = self.world["unpinned"]["internal_migrants"]
        revision = self.world["unpinned"]["internal_revision"]
        release = self._release(release_id)
        change = self.ref.figure(release_id, "internal_migrants_change_pct")
        comparison = self._comparison(release) if release else None
        if release_id in chosen:
            value = int(chosen[release_id])
        elif change is not None and change.is_reproducible and comparison:
            value = count_for_change(self.internal_migrants(comparison), change.published_value,
                                     change.published_decimals)
        elif release_id in revision and release is not None:
            preliminary = [other.release_id for other in self.ref.releases
                           if other.year == release.year and other.end_month == release.end_month
                           and other.vintage == "preliminary"][0]
            value = self.internal_migrants(preliminary) + int(revision[release_id])
        else:
            raise PlanError(f"no internal migrants chosen or derivable for {release_id}")
        self._internal_cache[release_id] = value
        return value

    def exact(self, figure) -> float:
        """The value the world gives for a published figure: the published value, or for a
        count published rounded (in thousands: published_decimals -2) the exact count
        chosen in world.toml ([unpinned.exact]), which must round to it."""
        if figure.published_decimals >= 0:
            return figure.published_value
        chosen = self.world["unpinned"].get("exact", {}).get(figure.release_id, {}).get(figure.figure_code)
        if isinstance(chosen, dict):
            chosen = chosen.get(figure.dimension_code)
        if chosen is None:
            return figure.published_value
        if round_half_away(Decimal(int(chosen)), figure.published_decimals) != round_half_away(
                Decimal(str(figure.published_value)), figure.published_decimals):
            raise PlanError(f"{figure.release_id} {figure.figure_code} {figure.dimension_code}: the exact value "
                            f"{chosen} does not round to the published {figure.published_value}")
        return float(chosen)

    def _published(self, release_id: str, figure_code: str) -> float | None:
        figure = self.ref.figure(release_id, figure_code)
        if figure is None:
            return None
        if not figure.is_reproducible:
            raise PlanError(f"{release_id} {figure_code} is a target but marked not reproducible")
        return self.exact(figure)

    def _external(self, release_id: str, flow: str) -> tuple[int | None, int | None]:
        chosen = self.world["unpinned"]["external"].get(release_id, {})
        total = self._published(release_id, flow)
        if total is None:
            total = chosen.get(flow)
        release = self._release(release_id)
        comparison = self._comparison(release) if release else None
        change = self.ref.figure(release_id, f"{flow}_change_pct")
        if change is not None and change.is_reproducible and comparison:
            previous = self._external(comparison, flow)[0]
            if previous is None:
                raise PlanError(f"{release_id}: {flow} change published but {comparison} has no {flow}")
            decimals = change.published_decimals
            if total is None:
                total = count_for_change(previous, change.published_value, decimals)
            elif shown_change(int(total), previous, decimals) != round_half_away(
                    Decimal(str(change.published_value)), decimals):
                raise PlanError(f"{release_id}: {flow} {int(total)} on {comparison}'s {previous} is not the "
                                f"published change of {change.published_value} %")
        share = self._published(release_id, f"cis_{flow}_share_pct")
        share_figure = self.ref.figure(release_id, f"cis_{flow}_share_pct")
        share_decimals = share_figure.published_decimals if share_figure is not None else 1
        if share is None:
            share = chosen.get(f"cis_{flow}_share_pct")
        if total is None:
            return None, None
        return int(total), (count_for_share(int(total), share, share_decimals) if share is not None else None)

    def regions_in_force(self, first_day: int, last_day: int) -> np.ndarray:
        """Share of [first_day, last_day] during which each region is in force."""
        share = np.zeros(len(self.regions))
        for index, code in enumerate(self.regions):
            start = max(first_day, self.ref.region_valid_from[code])
            end = min(last_day, self.ref.region_valid_to[code])
            share[index] = max(0, end - start + 1) / (last_day - first_day + 1)
        return share

    def _net(self, release_id: str, year: int, end_month: int) -> np.ndarray:
        published = {figure.dimension_code: int(self.exact(figure))
                     for figure in self.ref.figures_of(release_id, "interregional_net")}
        complete = self.ref.figure(release_id, "regions_with_positive_interregional_net") is not None
        extra = {code: int(value) for code, value in
                 self.world["unpinned"]["positive_interregional_net"].get(release_id, {}).items()}
        if complete and extra:
            raise PlanError(f"{release_id}: the published list of positive regions is complete")
        if complete and len(published) != int(self._published(release_id, "regions_with_positive_interregional_net")):
            raise PlanError(f"{release_id}: the number of positive regions disagrees with the list")
        positive = {**extra, **published}
        first_day = day_number(dt.date(year, 1, 1))
        last_day = day_number(end_of_month(year, end_month).date())
        in_force = self.regions_in_force(first_day, last_day)
        net = np.zeros(len(self.regions), dtype=np.int64)
        for code, value in positive.items():
            net[self.region_index[code]] = value
        losing = [index for index, code in enumerate(self.regions) if code not in positive and in_force[index] > 0]
        # Each release's losses vary around the regions' weights (a draw of its own, the
        # same in every run), so that regions of one weight do not lose one amount.
        jitter = np.random.default_rng(zlib.crc32(release_id.encode())).uniform(
            1 - NET_JITTER, 1 + NET_JITTER, len(losing))
        weights = np.array([self.world["regions"][self.regions[index]]["loss_weight"] * in_force[index]
                            for index in losing]) * jitter
        net[losing] = -largest_remainder(int(net.sum()), weights, minimum=1)
        return distinct_losses(net, losing)

    def _calibrated_year(self, year: int) -> YearPlan:
        releases = [release for release in self.ref.releases if release.year == year]
        checkpoints = []
        for release in releases:
            rule = (preliminary_cutoff(year, release.end_month) if release.vintage == "preliminary"
                    else revised_cutoff(year))
            if rule != release.cutoff:
                raise PlanError(f"{release.release_id}: cut-off {release.cutoff} is not the calendar rule {rule}")
            arrivals, cis_arrivals = self._external(release.release_id, "arrivals")
            departures, cis_departures = self._external(release.release_id, "departures")
            preliminary = release.vintage == "preliminary"
            try:
                internal = self.internal_migrants(release.release_id)
            except PlanError:
                if preliminary:
                    raise
                internal = None
            point = Checkpoint(release.release_id, release.end_month, release.vintage, seconds(release.cutoff),
                               arrivals, cis_arrivals, departures, cis_departures, internal,
                               self._net(release.release_id, year, release.end_month) if preliminary else None)
            if preliminary and None in (arrivals, cis_arrivals, departures, cis_departures):
                raise PlanError(f"{release.release_id}: external targets incomplete")
            net = self.ref.figure(release.release_id, "net_migration")
            if net is not None and arrivals is not None and departures is not None and round_half_away(
                    Decimal(arrivals - departures), net.published_decimals) != round_half_away(
                    Decimal(str(net.published_value)), net.published_decimals):
                raise PlanError(f"{release.release_id}: arrivals - departures is not the published net migration")
            checkpoints.append(point)
        ends = [point.end_month for point in checkpoints if point.vintage == "preliminary"]
        if ends != sorted(set(ends)) or not ends or ends[-1] != 12 or not {3, 6, 9} <= set(ends):
            raise PlanError(f"{year}: the calendar must hold the quarterly and annual preliminary releases")
        checkpoints.sort(key=lambda point: (point.vintage != "preliminary", point.end_month))
        plan = YearPlan(year, list(range(1, 13)), checkpoints, seconds(revised_cutoff(year)), True, 1.0)
        revised = plan.revised
        # The countries of the arrivals: the revised release's list, else a preliminary one's
        # (one release a year publishes them).
        for point in ([revised] if revised is not None else []) + plan.preliminary[::-1]:
            quota = self._ranked(point.release_id, "arrivals_by_country")
            if quota:
                plan.arrival_country_quota, plan.arrival_country_release = quota, point.release_id
                break
        # The regions of the arrivals: every release's list, in the order of the cut-offs.
        for point in sorted(checkpoints, key=lambda point: point.cutoff):
            quota = self._ranked(point.release_id, "external_arrivals_by_region")
            if quota:
                plan.arrival_region_quotas.append((point.release_id, quota))
        for point in plan.preliminary:
            quota = self._ranked(point.release_id, "arrivals_by_ethnic_group")
            if quota:
                plan.arrival_ethnic_quota, plan.arrival_ethnic_release = quota, point.release_id
        return plan

    def _ranked(self, release_id: str, figure_code: str) -> dict[str, int]:
        # By published rank, then by value (a figure published without a rank).
        figures = sorted(self.ref.figures_of(release_id, figure_code),
                         key=lambda figure: (figure.dimension_rank is None, figure.dimension_rank or 0,
                                             -figure.published_value))
        return {figure.dimension_code: int(self.exact(figure)) for figure in figures}

    # ----- any world ------------------------------------------------------------

    def plan(self, years: int, scale: float) -> list[YearPlan]:
        """Plans of every year of a world of `years` years from the first year, plus
        January-March of the following year."""
        first = self.world["world"]["first_year"]
        plans = []
        for year in range(first, first + years):
            plans.append(self._shifted(self._calibrated[self.pattern_year(year, scale)], year, scale))
        plans.append(self._tail(plans[-1], scale))
        return plans

    def pattern_year(self, year: int, scale: float) -> int:
        """The calibrated year whose pattern a year of a world follows: its own at scale 1
        (the nearest calibrated year beyond them); in a scaled world, the nearest of the
        pattern years of world.toml (so that a world of N years keeps its size)."""
        years = (self.world["world"]["calibrated_years"] if scale == 1
                 else self.world["world"].get("pattern_years", self.world["world"]["calibrated_years"]))
        return min(max(year, years[0]), years[-1])

    def _shifted(self, pattern: YearPlan, year: int, scale: float) -> YearPlan:
        shift = year - pattern.year
        exact = scale == 1 and shift == 0
        checkpoints = []
        for point in pattern.checkpoints:
            cutoff = (preliminary_cutoff(year, point.end_month) if point.vintage == "preliminary"
                      else revised_cutoff(year))
            release_id = point.release_id if shift == 0 else f"{year}-{point.end_month:02d}-{point.vintage[0]}"
            checkpoints.append(Checkpoint(
                release_id, point.end_month, point.vintage, seconds(cutoff),
                *(scaled(value, scale) for value in (point.arrivals, point.cis_arrivals, point.departures,
                                                      point.cis_departures, point.internal)),
                scaled_net(point.net, scale) if point.net is not None else None))
        if pattern.revised is None:
            # No revised release in the calendar: its cut-off still bounds the late versions.
            checkpoints.append(Checkpoint(f"{year}-12-r", 12, "revised", seconds(revised_cutoff(year))))
        return YearPlan(year, pattern.months, checkpoints, seconds(revised_cutoff(year)), exact, scale,
                        pattern.arrival_country_quota if exact else {},
                        pattern.arrival_country_release if exact else None,
                        pattern.arrival_region_quotas if exact else [],
                        pattern.arrival_ethnic_quota if exact else {},
                        pattern.arrival_ethnic_release if exact else None)

    def _tail(self, last: YearPlan, scale: float) -> YearPlan:
        """January-March after the last year: the first quarter of its pattern year, grown
        by the factors of world.toml past the pattern years."""
        year = last.year + 1
        tail = self.world["unpinned"]["tail"]
        pattern_year = self.pattern_year(year, scale)
        pattern = next(point for point in self._calibrated[pattern_year].preliminary if point.end_month == 3)
        grown = year > pattern_year
        factors = {name: (tail[f"{name}_factor"] if grown else 1.0) * scale
                   for name in ("arrivals", "departures", "internal")}
        arrivals = scaled(pattern.arrivals, factors["arrivals"])
        departures = scaled(pattern.departures, factors["departures"])
        cis_arrivals = (round(arrivals * tail["cis_arrivals_share_pct"] / 100) if grown
                        else scaled(pattern.cis_arrivals, factors["arrivals"]))
        cis_departures = (round(departures * tail["cis_departures_share_pct"] / 100) if grown
                          else scaled(pattern.cis_departures, factors["departures"]))
        point = Checkpoint(f"{year}-03-p", 3, "preliminary", seconds(preliminary_cutoff(year, 3)),
                           arrivals, min(cis_arrivals, arrivals), departures, min(cis_departures, departures),
                           scaled(pattern.internal, factors["internal"]),
                           scaled_net(pattern.net, factors["internal"]))
        return YearPlan(year, [1, 2, 3], [point], seconds(revised_cutoff(year)), False, scale)


def scaled(value: int | None, factor: float) -> int | None:
    return None if value is None else int(round(value * factor))


def scaled_net(net: np.ndarray, factor: float) -> np.ndarray:
    """A zero-sum net vector times factor, still zero-sum, signs kept."""
    if factor == 1:
        return net.copy()
    result = np.round(net * factor).astype(np.int64)
    result[(net < 0) & (result >= 0)] = -1
    result[(net > 0) & (result <= 0)] = 1
    excess = int(result.sum())
    # Put the rounding excess on the largest loser (stays negative: it is large).
    loser = int(np.argmin(result))
    result[loser] -= excess
    return result


def distinct_losses(net: np.ndarray, losing: list[int]) -> np.ndarray:
    """The net with no two regions sharing one value (the regions that gain are given;
    the losers are made distinct): from the smallest loss up, a loss not larger than the
    one before grows by as much as it takes to be larger; the largest loser's loss
    shrinks by the sum (the total stays zero). Refused when that makes the largest loser
    gain or meet another value."""
    net = net.copy()
    if len(losing) < 2:
        return net
    largest = min(losing, key=lambda index: (net[index], index))
    previous, moved = 0, 0
    for index in sorted((index for index in losing if index != largest), key=lambda index: (-net[index], index)):
        value = min(int(net[index]), previous - 1)
        moved += int(net[index]) - value
        net[index] = previous = value
    net[largest] += moved
    values = net[net != 0]
    if net[largest] >= 0 or len(np.unique(values)) != len(values):
        raise PlanError("interregional nets cannot all be distinct")
    return net


def largest_remainder(total: int, weights: np.ndarray, minimum: int = 0) -> np.ndarray:
    """Integers summing to total, proportional to weights, each at least minimum."""
    weights = np.asarray(weights, dtype=float)
    if len(weights) == 0:
        if total:
            raise PlanError("nothing to share out")
        return np.zeros(0, dtype=np.int64)
    base = np.full(len(weights), minimum, dtype=np.int64)
    rest = total - base.sum()
    if rest < 0:
        raise PlanError("total smaller than the minimums")
    exact = rest * weights / weights.sum()
    floor = np.floor(exact).astype(np.int64)
    remainder = rest - floor.sum()
    order = np.argsort(-(exact - floor), kind="stable")
    floor[order[:remainder]] += 1
    return base + floor


def capped_shares(total: int, weights: np.ndarray, cap: int | np.ndarray) -> np.ndarray:
    """Like largest_remainder, but no share above its cap (one for all, or one each):
    the excess goes to the others."""
    weights = np.asarray(weights, dtype=float)
    caps = np.broadcast_to(np.asarray(cap, dtype=np.int64), weights.shape)
    if (caps < 0).any():
        raise PlanError(f"{total} cannot be shared out below {cap}")
    fixed = np.zeros(len(weights), dtype=bool)
    counts = np.zeros(len(weights), dtype=np.int64)
    while True:
        free = ~fixed
        if not free.any() or weights[free].sum() == 0:
            raise PlanError(f"{total} cannot be shared out below {cap}")
        counts[free] = largest_remainder(total - int(caps[fixed].sum()), weights[free])
        over = free & (counts > caps)
        if not over.any():
            counts[fixed] = caps[fixed]
            return counts
        fixed |= over


__all__ = ["capped_shares", "Checkpoint", "distinct_losses", "Planner", "PlanError", "YearPlan", "count_for_share", "count_for_change",
           "largest_remainder", "seconds", "shown_change", "shown_share"]
