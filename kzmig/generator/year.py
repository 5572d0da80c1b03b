"""One year of coupons: who moved where, when, and every version sent about it.

The year is built at the level of coupons (not yet text rows):

1. later versions ("events": late registrations, cancellations, corrections,
   re-activations, versions that break a coupon) are drawn with the counts of
   world.toml;
2. what they contribute at each release cut-off is accounted, and the coupons sent
   promptly (counted from the first release that covers their month on) are solved
   for so that every preliminary release gives exactly its targets;
3. late registrations sent between the last preliminary and the revised cut-off are
   solved for so that the revised release gives its targets;
4. every release is evaluated again from the coupons' versions and checked;
5. countries, regions, ethnic groups and the rest are drawn, with exact quotas
   where a figure is published for them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

from kzmig.generator.plan import PlanError, YearPlan
from kzmig.generator.reference import Reference, day_number

INTERNAL, ARRIVAL, DEPARTURE = 0, 1, 2
FLOW_NAMES = {INTERNAL: "internal", ARRIVAL: "external_arrival", DEPARTURE: "external_departure"}
PROMPT, LATE, CANCEL, FLIP, CORRECT, CORRECT_ORIGIN, REACTIVATE, BREAK = range(8)
NONE = -1
DAY = 86400


@dataclass
class Context:
    """What every part of the generator shares."""

    ref: Reference
    world: dict
    regions: list[str]
    countries: list[str]
    ethnic_groups: list[str]
    reasons: list[str]
    limit: int  # seconds: end of the last delivery month

    def __post_init__(self):
        self.region_index = {code: index for index, code in enumerate(self.regions)}
        self.country_index = {code: index for index, code in enumerate(self.countries)}
        self.ethnic_index = {code: index for index, code in enumerate(self.ethnic_groups)}
        self.reason_index = {code: index for index, code in enumerate(self.reasons)}
        self.valid_from = np.array([self.ref.region_valid_from[code] for code in self.regions])
        self.valid_to = np.array([self.ref.region_valid_to[code] for code in self.regions])
        regions = self.world["regions"]
        self.population = np.array([self.ref.population[code] for code in self.regions], dtype=float)
        self.attract = np.array([regions[code]["attract"] for code in self.regions])
        self.out_rate = np.array([regions[code]["out_rate"] for code in self.regions])
        self.parent = np.full(len(self.regions), -1)
        for child, parent in self.world["internal"]["split_parents"].items():
            self.parent[self.region_index[child]] = self.region_index[parent]
        self.neighbours = np.ones((len(self.regions), len(self.regions)))
        for first, second in self.world["internal"].get("neighbours", []):
            a, b = self.region_index[first], self.region_index[second]
            self.neighbours[a, b] = self.neighbours[b, a] = self.world["internal"].get("neighbour_bonus", 1.0)
        self.weekday = np.array(self.world["season"]["weekday"])
        self.is_cis = np.array([code in self.ref.cis for code in self.countries])

    def active(self, day: int) -> np.ndarray:
        return (self.valid_from <= day) & (day <= self.valid_to)

    def period_weights(self, base: np.ndarray, first_day: int, last_day: int) -> np.ndarray:
        """Weights of regions over a period: a region in force for part of it counts for
        that part, and the region it was cut from carries the rest."""
        start = np.maximum(first_day, self.valid_from)
        end = np.minimum(last_day, self.valid_to)
        share = np.clip(end - start + 1, 0, None) / (last_day - first_day + 1)
        weights = base * share
        for child in np.flatnonzero(self.parent >= 0):
            weights[self.parent[child]] += base[child] * (1 - share[child])
        return weights


def month_bounds(year: int, month: int) -> tuple[int, int]:
    first = day_number(dt.date(year, month, 1))
    return first, first + calendar.monthrange(year, month)[1] - 1


class Coupons:
    """Columns of coupons (one entry per coupon, whatever its number of versions)."""

    COLUMNS = {
        "flow": np.int8, "kind": np.int8, "reg_day": np.int32, "dest": np.int8, "origin": np.int8,
        "cis": np.bool_, "v1_cis": np.bool_, "v1_origin": np.int8,
        "s1": np.int64, "s2": np.int64, "s3": np.int64,
    }

    def __init__(self):
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, **columns) -> None:
        size = len(columns["reg_day"])
        if size == 0:
            return
        defaults = {"origin": NONE, "cis": False, "s2": NONE, "s3": NONE, "dest": NONE}
        columns.setdefault("v1_cis", columns.get("cis", False))
        columns.setdefault("v1_origin", columns.get("origin", NONE))
        part = {}
        for name, dtype in self.COLUMNS.items():
            value = columns.get(name, defaults.get(name))
            if value is None:
                raise ValueError(f"column {name} missing")
            part[name] = np.broadcast_to(np.asarray(value, dtype=dtype), (size,)).copy()
        self.parts.append(part)

    def table(self) -> dict[str, np.ndarray]:
        return {name: np.concatenate([part[name] for part in self.parts]) if self.parts
                else np.zeros(0, dtype=dtype) for name, dtype in self.COLUMNS.items()}


def evaluate(table: dict[str, np.ndarray], reg_month: np.ndarray, cutoff: int, end_month: int,
             n_regions: int) -> dict:
    """What the coupons give at a release cut-off, from their versions by construction:
    the latest version sent by the cut-off counts unless it is a cancellation or a
    broken version; only months 1..end_month of the year count."""
    kind = table["kind"]
    version = np.where((table["s3"] != NONE) & (table["s3"] <= cutoff), 3,
                       np.where((table["s2"] != NONE) & (table["s2"] <= cutoff), 2,
                                np.where(table["s1"] <= cutoff, 1, 0)))
    counted = version > 0
    counted &= ~((kind == CANCEL) & (version == 2))
    counted &= ~((kind == REACTIVATE) & (version == 2))
    counted &= ~((kind == BREAK) & (version == 2))
    counted &= reg_month <= end_month
    first = version == 1
    cis = np.where(first, table["v1_cis"], table["cis"])
    origin = np.where(first, table["v1_origin"], table["origin"])
    flow = table["flow"]
    result = {}
    for code, name in ((ARRIVAL, "arrivals"), (DEPARTURE, "departures")):
        mask = counted & (flow == code)
        result[name] = int(mask.sum())
        result[f"cis_{name}"] = int((mask & cis).sum())
    internal = counted & (flow == INTERNAL)
    result["internal"] = int(internal.sum())
    moves = internal & (origin != table["dest"])
    result["net"] = (np.bincount(table["dest"][moves], minlength=n_regions)
                     - np.bincount(origin[moves], minlength=n_regions)).astype(np.int64)
    result["counted"] = counted
    return result


class YearBuilder:
    """Builds the coupons of one year to its plan."""

    def __init__(self, ctx: Context, plan: YearPlan, rng: np.random.Generator):
        self.ctx, self.plan, self.rng = ctx, plan, rng
        self.year = plan.year
        self.coupons = Coupons()
        self.year_first = day_number(dt.date(self.year, 1, 1))
        self.year_last = day_number(dt.date(self.year, 12, 31))
        preliminary = sorted(plan.preliminary, key=lambda point: point.end_month)
        self.first_cutoff = np.full(13, ctx.limit, dtype=np.int64)
        for month in plan.months:
            covering = [point.cutoff for point in preliminary if point.end_month >= month]
            self.first_cutoff[month] = min(covering[0], ctx.limit)
        self.last_preliminary = min(preliminary[-1].cutoff, ctx.limit)
        self.revised_cutoff = min(plan.revised_cutoff, ctx.limit)

    # ----- drawing dates and times ------------------------------------------------

    def season(self, flow: int) -> np.ndarray:
        weights = np.zeros(13)
        weights[1:] = self.ctx.world["season"][FLOW_NAMES[flow]]
        mask = np.zeros(13, dtype=bool)
        mask[self.plan.months] = True
        return np.where(mask, weights, 0.0)

    def draw_months(self, count: int, weights: np.ndarray) -> np.ndarray:
        return self.rng.choice(13, size=count, p=weights / weights.sum()).astype(np.int8)

    def draw_days(self, months: np.ndarray, lo: np.ndarray | int | None = None,
                  hi: np.ndarray | int | None = None) -> np.ndarray:
        """A registration day in each month (and within [lo, hi]), weekdays weighted."""
        size = len(months)
        first_of_year, last_of_year = self.year_first, self.year_last
        lo = np.clip(np.broadcast_to(np.asarray(first_of_year if lo is None else lo, dtype=np.int64), (size,)),
                     first_of_year, last_of_year + 1) - first_of_year
        hi = np.clip(np.broadcast_to(np.asarray(last_of_year if hi is None else hi, dtype=np.int64), (size,)),
                     first_of_year - 1, last_of_year) - first_of_year
        days = np.zeros(size, dtype=np.int32)
        keys = months.astype(np.int64) * 1_000_000 + (lo + 1) * 1000 + (hi + 1)
        unique, inverse = np.unique(keys, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(unique) + 1))
        for group, key in enumerate(unique):
            month, low, high = int(key // 1_000_000), int(key // 1000 % 1000) - 1, int(key % 1000) - 1
            first, last = month_bounds(self.year, month)
            first, last = max(first, first_of_year + low), min(last, first_of_year + high)
            if first > last:
                raise PlanError(f"{self.year}-{month:02d}: no day in force")
            candidates = np.arange(first, last + 1)
            weights = self.ctx.weekday[(candidates + 3) % 7]
            members = order[bounds[group]:bounds[group + 1]]
            days[members] = self.rng.choice(candidates, size=len(members), p=weights / weights.sum())
        return days

    def time_of_day(self, size: int) -> np.ndarray:
        return 8 * 3600 + self.rng.integers(0, 11 * 3600, size=size)

    def prompt_submission(self, reg_day: np.ndarray, month: np.ndarray) -> np.ndarray:
        """Sent on the day or within days; never after the first release covering the month."""
        settings = self.ctx.world["submission"]
        size = len(reg_day)
        lag = np.where(self.rng.random(size) < settings["same_day"], 0,
                       1 + self.rng.geometric(1 / settings["mean_lag_days"], size=size) - 1)
        limit_day = self.first_cutoff[month] // DAY
        long_lag = self.rng.random(size) < settings["long_lag_share"]
        lag = np.where(long_lag, self.rng.integers(0, np.maximum(limit_day - reg_day, 0) + 1), lag)
        day = np.minimum(reg_day + lag, limit_day)
        return day.astype(np.int64) * DAY + self.time_of_day(size)

    def window(self, after: np.ndarray | int, until: np.ndarray | int, size: int,
               max_days: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """A time strictly after `after` and at or before `until` (a day later at least);
        returns the times and whether the window was open."""
        after = np.broadcast_to(np.asarray(after, dtype=np.int64), (size,))
        until = np.minimum(np.broadcast_to(np.asarray(until, dtype=np.int64), (size,)), self.ctx.limit)
        first_day = after // DAY + 1
        last_day = until // DAY
        if max_days is not None:
            last_day = np.minimum(last_day, first_day + max_days)
        open_ = last_day >= first_day
        span = np.maximum(last_day - first_day, 0) + 1
        day = first_day + (self.rng.random(size) * span).astype(np.int64)
        moment = np.minimum(day * DAY + self.time_of_day(size), until)
        return moment, open_ & (moment > after)

    # ----- where people move -----------------------------------------------------

    def draw_internal_regions(self, reg_day: np.ndarray, interregional_share: float
                              ) -> tuple[np.ndarray, np.ndarray]:
        ctx = self.ctx
        size = len(reg_day)
        dest = np.zeros(size, dtype=np.int8)
        origin = np.zeros(size, dtype=np.int8)
        inter = self.rng.random(size) < interregional_share
        split_day = int(ctx.valid_from.max())
        for after_split in (False, True):
            members = np.flatnonzero((reg_day >= split_day) == after_split)
            if len(members) == 0:
                continue
            active = ctx.active(split_day if after_split else split_day - 1)
            pop = np.where(active, ctx.population, 0.0)
            pull = pop * ctx.attract
            push = pop * ctx.out_rate
            dest[members] = self.rng.choice(len(pop), size=len(members), p=pull / pull.sum())
            origin[members] = self.rng.choice(len(pop), size=len(members), p=push / push.sum())
            same = members[(dest[members] == origin[members]) & inter[members]]
            while len(same):
                origin[same] = self.rng.choice(len(pop), size=len(same), p=push / push.sum())
                same = same[dest[same] == origin[same]]
            intra = members[~inter[members]]
            dest[intra] = origin[intra] = self.rng.choice(len(pop), size=len(intra), p=pop / pop.sum())
        return dest, origin

    def other_region(self, reg_day: np.ndarray, region: np.ndarray) -> np.ndarray:
        """Another region in force on the day (a wrongly typed previous residence)."""
        ctx = self.ctx
        result = region.copy()
        for index in range(len(region)):
            candidates = np.flatnonzero(ctx.active(int(reg_day[index])))
            candidates = candidates[candidates != region[index]]
            result[index] = self.rng.choice(candidates)
        return result

    # ----- the year ----------------------------------------------------------------

    def build(self) -> tuple[dict[str, np.ndarray], dict]:
        self.add_events()
        self.solve_prompt()
        self.solve_revised()
        table = self.coupons.table()
        reg_month = self.reg_month(table["reg_day"])
        figures = self.check(table, reg_month)
        return table, figures

    def reg_month(self, reg_day: np.ndarray) -> np.ndarray:
        dates = (reg_day.astype("datetime64[D]"))
        return (dates.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.int8)

    def event_count(self, flow: int, name: str) -> int:
        settings = self.ctx.world["events"][FLOW_NAMES[flow]]
        value = settings.get(name, 0)
        if isinstance(value, dict):
            value = value.get(str(self.year), value["default"])
        return int(round(value * self.plan.scale))

    def add_events(self) -> None:
        if self.plan.months != list(range(1, 13)):
            return  # the closing quarter of a world: prompt coupons only
        for flow in (INTERNAL, ARRIVAL, DEPARTURE):
            self.add_flow_events(flow)

    def base_draw(self, flow: int, count: int, month_weights: np.ndarray | None = None
                  ) -> dict[str, np.ndarray]:
        weights = self.season(flow) if month_weights is None else month_weights
        months = self.draw_months(count, weights)
        reg_day = self.draw_days(months)
        columns = {"flow": flow, "reg_day": reg_day, "month": months}
        if flow == INTERNAL:
            dest, origin = self.draw_internal_regions(reg_day, self.ctx.world["internal"]["interregional_share"])
            columns.update(dest=dest, origin=origin)
        else:
            share = self.cis_share(flow)
            columns["cis"] = self.rng.random(count) < share
        return columns

    def cis_share(self, flow: int) -> float:
        last = self.plan.preliminary[-1]
        total, cis = ((last.arrivals, last.cis_arrivals) if flow == ARRIVAL else (last.departures, last.cis_departures))
        return cis / total if total else 0.85

    def add_flow_events(self, flow: int) -> None:
        rng = self.rng
        prompt_months = self.season(flow)
        # Late registrations sent after the first release that covers their month.
        early = prompt_months.copy()
        early[10:] = 0
        for name, weights, start, until in (
                ("late_within", early, None, self.last_preliminary),
                ("late_after", prompt_months, self.plan.revised_cutoff, self.plan.revised_cutoff + 92 * DAY)):
            count = self.event_count(flow, name)
            if count == 0 or (start is not None and start >= self.ctx.limit):
                continue
            draw = self.base_draw(flow, count, weights)
            after = self.first_cutoff[draw["month"]] if start is None else start
            s1, ok = self.window(after, until, count, max_days=120)
            self.add_drawn(draw, ok, kind=LATE, s1=s1)
        # Versions after a prompt one.
        windows = {
            "within": (None, self.last_preliminary),
            "revision": (self.last_preliminary, self.revised_cutoff),
            "after": (self.plan.revised_cutoff, self.plan.revised_cutoff + 92 * DAY),
        }
        for kind, prefix in ((CANCEL, "cancel"), (FLIP, "flip")):
            if kind == FLIP and flow == INTERNAL:
                continue
            for window_name, (start, until) in windows.items():
                count = self.event_count(flow, f"{prefix}_{window_name}")
                if count == 0 or (start is not None and start >= self.ctx.limit):
                    continue
                draw = self.base_draw(flow, count)
                s1 = self.prompt_submission(draw["reg_day"], draw["month"])
                s2, ok = self.window(s1 if start is None else np.maximum(s1, start), until, count,
                                     max_days=150 if start is None else None)
                extra = {}
                if kind == FLIP:
                    extra["v1_cis"] = ~draw["cis"]
                self.add_drawn(draw, ok, kind=kind, s1=s1, s2=s2, **extra)
        for kind, name in ((CORRECT, "correct"), (CORRECT_ORIGIN, "correct_origin"), (BREAK, "break")):
            count = self.event_count(flow, name)
            if count == 0:
                continue
            draw = self.base_draw(flow, count)
            s1 = self.prompt_submission(draw["reg_day"], draw["month"])
            s2, ok = self.window(s1, s1 + 120 * DAY, count)
            extra = {}
            if kind == CORRECT_ORIGIN:
                extra["v1_origin"] = self.other_region(draw["reg_day"], draw["origin"])
            self.add_drawn(draw, ok, kind=kind, s1=s1, s2=s2, **extra)
        count = self.event_count(flow, "reactivate")
        if count:
            draw = self.base_draw(flow, count)
            s1 = self.prompt_submission(draw["reg_day"], draw["month"])
            s2, ok2 = self.window(s1, s1 + 40 * DAY, count)
            s3, ok3 = self.window(s2, s2 + 40 * DAY, count)
            self.add_drawn(draw, ok2 & ok3, kind=REACTIVATE, s1=s1, s2=s2, s3=s3)

    def add_drawn(self, draw: dict, keep: np.ndarray, **columns) -> None:
        keep = np.asarray(keep, dtype=bool)
        merged = {key: value for key, value in draw.items() if key != "month"}
        merged.update(columns)
        selected = {}
        for key, value in merged.items():
            value = np.asarray(value)
            selected[key] = value[keep] if value.ndim and len(value) == len(keep) else value
        self.coupons.add(**selected)

    # ----- solving the prompt coupons ------------------------------------------------

    def solve_prompt(self) -> None:
        ctx = self.ctx
        events = self.coupons.table()
        reg_month = self.reg_month(events["reg_day"])
        previous_end = 0
        prompt = {"arrivals": 0, "cis_arrivals": 0, "departures": 0, "cis_departures": 0, "internal": 0,
                  "net": np.zeros(len(ctx.regions), dtype=np.int64)}
        for point in sorted(self.plan.preliminary, key=lambda point: point.end_month):
            months = [month for month in self.plan.months if previous_end < month <= point.end_month]
            given = evaluate(events, reg_month, point.cutoff, point.end_month, len(ctx.regions))
            need = {}
            for name in ("arrivals", "cis_arrivals", "departures", "cis_departures", "internal", "net"):
                need[name] = getattr(point, name) - given[name] - prompt[name]
                prompt[name] = prompt[name] + need[name]
            for flow, name in ((ARRIVAL, "arrivals"), (DEPARTURE, "departures")):
                if not 0 <= need[f"cis_{name}"] <= need[name]:
                    raise PlanError(f"{point.release_id}: {name} cannot be met "
                                    f"({need[name]} prompt, {need[f'cis_{name}']} from the CIS)")
                self.add_prompt_external(flow, months, need[name], need[f"cis_{name}"])
            self.add_prompt_internal(months, need["internal"], need["net"])
            previous_end = point.end_month

    def month_split(self, count: int, flow: int, months: list[int]) -> np.ndarray:
        weights = self.season(flow)[months]
        return np.repeat(np.array(months, dtype=np.int8), self.rng.multinomial(count, weights / weights.sum()))

    def add_prompt_external(self, flow: int, months: list[int], total: int, cis: int) -> None:
        month = self.rng.permutation(self.month_split(total, flow, months))
        flags = np.zeros(total, dtype=bool)
        flags[:cis] = True
        reg_day = self.draw_days(month)
        self.coupons.add(flow=flow, kind=PROMPT, reg_day=reg_day, cis=self.rng.permutation(flags),
                         s1=self.prompt_submission(reg_day, month))

    def add_prompt_internal(self, months: list[int], count: int, net: np.ndarray) -> None:
        ctx, rng = self.ctx, self.rng
        if count < 0:
            raise PlanError(f"{self.year}: internal migrants cannot be met")
        first_day = month_bounds(self.year, months[0])[0]
        last_day = month_bounds(self.year, months[-1])[1]
        population = ctx.period_weights(ctx.population, first_day, last_day)
        in_force = np.minimum(last_day, ctx.valid_to) >= np.maximum(first_day, ctx.valid_from)
        if np.any(net[~in_force] != 0):
            raise PlanError(f"{self.year}: a net for a region not in force")
        moves = od_matrix(rng, net, ctx.world["internal"]["interregional_share"] * count,
                          population, ctx.attract, ctx.out_rate, ctx.neighbours, in_force)
        intra = count - int(moves.sum())
        if intra < 0:
            raise PlanError(f"{self.year}: interregional moves exceed internal migrants")
        origin_index, dest_index = np.nonzero(moves)
        cells = moves[origin_index, dest_index]
        intra_per_region = rng.multinomial(intra, population / population.sum())
        regions = np.flatnonzero(intra_per_region)
        origin_index = np.concatenate([origin_index, regions])
        dest_index = np.concatenate([dest_index, regions])
        cells = np.concatenate([cells, intra_per_region[regions]])
        # Each pair of regions moves only on days both are in force.
        low = np.maximum.reduce([np.full(len(cells), first_day), ctx.valid_from[origin_index],
                                 ctx.valid_from[dest_index]])
        high = np.minimum.reduce([np.full(len(cells), last_day), ctx.valid_to[origin_index],
                                  ctx.valid_to[dest_index]])
        season = self.season(INTERNAL)
        month_weights = np.zeros((len(cells), len(months)))
        for position, month in enumerate(months):
            start, end = month_bounds(self.year, month)
            days = np.clip(np.minimum(end, high) - np.maximum(start, low) + 1, 0, None)
            month_weights[:, position] = season[month] * days / (end - start + 1)
        month_weights /= month_weights.sum(axis=1, keepdims=True)
        per_month = rng.multinomial(cells, month_weights)
        repeat = per_month.reshape(-1)
        month = np.repeat(np.tile(np.array(months, dtype=np.int8), len(cells)), repeat)
        cell = np.repeat(np.repeat(np.arange(len(cells)), len(months)), repeat)
        order = rng.permutation(len(month))
        month, cell = month[order], cell[order]
        reg_day = self.draw_days(month, low[cell], high[cell])
        self.coupons.add(flow=INTERNAL, kind=PROMPT, reg_day=reg_day, dest=dest_index[cell],
                         origin=origin_index[cell], s1=self.prompt_submission(reg_day, month))

    # ----- solving the revised release --------------------------------------------------

    def solve_revised(self) -> None:
        point = self.plan.revised
        if point is None or self.last_preliminary >= self.ctx.limit:
            return
        table = self.coupons.table()
        given = evaluate(table, self.reg_month(table["reg_day"]), point.cutoff, point.end_month,
                         len(self.ctx.regions))
        weights = self.season(ARRIVAL) * np.where(np.arange(13) >= 10, 3.0, 1.0)
        for flow, name in ((ARRIVAL, "arrivals"), (DEPARTURE, "departures"), (INTERNAL, "internal")):
            target = getattr(point, name)
            count = self.event_count(flow, "late_revision") if target is None else target - given[name]
            if count < 0:
                raise PlanError(f"{point.release_id}: {name} would need {count} late registrations")
            if count == 0:
                continue
            draw = self.base_draw(flow, count, weights)
            if flow != INTERNAL:
                target_cis = getattr(point, f"cis_{name}")
                cis = (round(count * self.cis_share(flow)) if target_cis is None
                       else target_cis - given[f"cis_{name}"])
                if not 0 <= cis <= count:
                    raise PlanError(f"{point.release_id}: CIS {name} cannot be met ({cis} of {count})")
                flags = np.zeros(count, dtype=bool)
                flags[:cis] = True
                draw["cis"] = self.rng.permutation(flags)
            s1, ok = self.window(self.last_preliminary, self.revised_cutoff, count)
            if not ok.all():
                raise PlanError(f"{point.release_id}: no time left for late registrations")
            self.add_drawn(draw, ok, kind=LATE, s1=s1)

    def check(self, table: dict[str, np.ndarray], reg_month: np.ndarray) -> dict:
        """Every release of the year, evaluated from the versions, against its targets."""
        figures = {}
        for point in self.plan.checkpoints:
            if point.cutoff > self.ctx.limit and point.vintage == "revised":
                continue
            got = evaluate(table, reg_month, point.cutoff, point.end_month, len(self.ctx.regions))
            for name in ("arrivals", "cis_arrivals", "departures", "cis_departures", "internal"):
                wanted = getattr(point, name)
                if wanted is not None and got[name] != wanted:
                    raise PlanError(f"{point.release_id}: {name} is {got[name]}, not {wanted}")
            if point.net is not None and not np.array_equal(got["net"], point.net):
                raise PlanError(f"{point.release_id}: interregional net differs")
            got.pop("counted")
            got["net"] = {code: int(value) for code, value in zip(self.ctx.regions, got["net"]) if value}
            figures[point.release_id] = got
        return figures


def od_matrix(rng: np.random.Generator, net: np.ndarray, total: float, population: np.ndarray,
              attract: np.ndarray, out_rate: np.ndarray, neighbours: np.ndarray,
              in_force: np.ndarray) -> np.ndarray:
    """Interregional moves (origin x destination) of about `total` moves whose net
    (moves in minus moves out) is exactly `net` for every region."""
    size = len(net)
    out = np.where(in_force, population * out_rate, 0.0)
    out *= total / out.sum()
    out = np.maximum(out, np.where(in_force, -net / 0.8, 0.0))
    into = out + net
    seed = np.outer(np.where(in_force, 1.0, 0.0), np.where(in_force, population * attract, 0.0)) * neighbours
    np.fill_diagonal(seed, 0.0)
    matrix = seed.copy()
    for _ in range(200):
        rows = matrix.sum(axis=1)
        matrix *= np.divide(out, rows, out=np.zeros(size), where=rows > 0)[:, None]
        cols = matrix.sum(axis=0)
        matrix *= np.divide(into, cols, out=np.zeros(size), where=cols > 0)[None, :]
        if np.allclose(matrix.sum(axis=1), out, rtol=1e-9, atol=1e-6):
            break
    moves = np.floor(matrix + rng.random(matrix.shape)).astype(np.int64)
    np.fill_diagonal(moves, 0)
    moves[~in_force, :] = 0
    moves[:, ~in_force] = 0
    # Exact nets: add moves from the regions that gained too much to those that lack.
    missing = net - (moves.sum(axis=0) - moves.sum(axis=1))
    lacking = [[index, int(value)] for index, value in enumerate(missing) if value > 0]
    excess = [[index, int(-value)] for index, value in enumerate(missing) if value < 0]
    while lacking:
        dest, need = lacking[-1]
        origin, spare = excess[-1]
        step = min(need, spare)
        moves[origin, dest] += step
        lacking[-1][1] -= step
        excess[-1][1] -= step
        if lacking[-1][1] == 0:
            lacking.pop()
        if excess[-1][1] == 0:
            excess.pop()
    assert np.array_equal(moves.sum(axis=0) - moves.sum(axis=1), net)
    return moves


__all__ = ["ARRIVAL", "DEPARTURE", "INTERNAL", "Context", "Coupons", "YearBuilder", "evaluate", "od_matrix"]
