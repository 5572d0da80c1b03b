"""Who the movers are: countries, regions, ethnic groups, citizenship, sex, age, reason,
KATO codes and personal hashes, drawn per flow, with exact quotas where a published
figure fixes them."""

from __future__ import annotations

import numpy as np

from kzmig.generator.plan import PlanError, YearPlan, capped_shares
from kzmig.generator.year import (ARRIVAL, CORRECT, DEPARTURE, FLIP, FLOW_NAMES, INTERNAL, NONE,
                                  Context, evaluate)

# Fields a correction may change (CORRECT coupons: the first version had another value).
SEX, BIRTH, REASON, CITIZENSHIP, DISTRICT, ETHNICITY = range(6)


def weighted_pick(rng: np.random.Generator, weights: np.ndarray, count: int) -> np.ndarray:
    """Indices of `count` items drawn without replacement, with probabilities
    proportional to weights (Efraimidis-Spirakis)."""
    keys = rng.exponential(size=len(weights)) / np.maximum(weights, 1e-12)
    if count >= len(weights):
        return np.arange(len(weights))
    return np.argpartition(keys, count)[:count] if count else np.zeros(0, dtype=np.int64)


def draw_categorical(rng: np.random.Generator, probabilities: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """One category per item; probabilities[group] is the distribution of its group."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    draws = rng.random(len(groups))
    return (draws[:, None] > cumulative[groups]).sum(axis=1)


class Attributes:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        world = ctx.world
        self.n_countries = len(ctx.countries)
        self.kaz = ctx.country_index["KAZ"]
        # Countries by flow and CIS membership.
        self.country_weights = {}
        for flow in (ARRIVAL, DEPARTURE):
            table = world[FLOW_NAMES[flow]]["countries"]
            for cis, key in ((True, "cis"), (False, "other")):
                weights = np.zeros(self.n_countries)
                for code, weight in table[key].items():
                    if (code in ctx.ref.cis) != cis:
                        raise PlanError(f"{code} is listed with the wrong CIS membership")
                    weights[ctx.country_index[code]] = weight
                self.country_weights[flow, cis] = weights
        # Region given the country, by flow: a row per country.
        self.region_given_country = {}
        for flow in (ARRIVAL, DEPARTURE):
            table = world[FLOW_NAMES[flow]]["regions"]
            matrix = np.zeros((self.n_countries, len(ctx.regions)))
            for country, code in enumerate(ctx.countries):
                key = code if code in table else ("cis" if code in ctx.ref.cis and "cis" in table else "default")
                for region, weight in table[key].items():
                    matrix[country, ctx.region_index[region]] = weight
            self.region_given_country[flow] = matrix
        # Ethnic group given the country (external) or the region (internal).
        self.ethnic_given_country = {}
        for flow in (ARRIVAL, DEPARTURE):
            table = world[FLOW_NAMES[flow]]["ethnicity"]
            matrix = np.zeros((self.n_countries, len(ctx.ethnic_groups)))
            for country, code in enumerate(ctx.countries):
                for group, weight in table.get(code, table["default"]).items():
                    matrix[country, ctx.ethnic_index[group]] = weight
            self.ethnic_given_country[flow] = matrix
        internal = world["internal"]["ethnicity"]
        self.ethnic_given_region = np.zeros((len(ctx.regions), len(ctx.ethnic_groups)))
        for index, code in enumerate(ctx.regions):
            for group, weight in internal[world["regions"][code]["group"]].items():
                self.ethnic_given_region[index, ctx.ethnic_index[group]] = weight
        # KATO codes: districts of each region, the centre first.
        self.districts = []
        for code in ctx.regions:
            digits = [int(value) for value in world["regions"][code]["districts"]]
            weights = np.full(len(digits), 0.55 / max(len(digits) - 1, 1))
            weights[0] = 0.45
            city = world["regions"][code]["districts"][0] != "10"
            if city:
                weights[:] = 1 / len(digits)
            self.districts.append((np.array(digits), weights / weights.sum(), city))
        self.age_bands = np.array(world["age"]["bands"])
        self.reasons = {name: self._reason_weights(table) for name, table in world["reasons"].items()}

    def _reason_weights(self, table: dict) -> np.ndarray:
        weights = np.zeros(len(self.ctx.reasons))
        for code, weight in table.items():
            weights[self.ctx.reason_index[code]] = weight
        return weights / weights.sum()

    # ----- pieces --------------------------------------------------------------------

    def kato(self, rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
        """A 9-digit KATO code in each region: centre or district, rural district, settlement."""
        result = np.zeros(len(region), dtype=np.int64)
        for index, code in enumerate(self.ctx.regions):
            members = np.flatnonzero(region == index)
            if len(members) == 0:
                continue
            digits, weights, city = self.districts[index]
            district = digits[rng.choice(len(digits), size=len(members), p=weights)]
            centre = (district == digits[0]) | city
            rural = np.where(centre, 10, rng.choice([20, 30, 33, 35, 40, 43, 45, 50], size=len(members)))
            settlement = np.where(centre, 0, 100 + rng.integers(0, 12, size=len(members)))
            result[members] = int(code) * 10**7 + district * 10**5 + rural * 10**3 + settlement
        return result

    def regions_for(self, rng: np.random.Generator, flow: int, country: np.ndarray, reg_day: np.ndarray
                    ) -> np.ndarray:
        ctx = self.ctx
        result = np.zeros(len(country), dtype=np.int8)
        split_day = int(ctx.valid_from.max())
        for after_split in (False, True):
            members = np.flatnonzero((reg_day >= split_day) == after_split)
            if len(members) == 0:
                continue
            matrix = self.region_given_country[flow].copy()
            if not after_split:
                for child in np.flatnonzero(ctx.parent >= 0):
                    matrix[:, ctx.parent[child]] += matrix[:, child]
                    matrix[:, child] = 0
            result[members] = draw_categorical(rng, matrix, country[members])
        return result

    def countries_for(self, rng: np.random.Generator, flow: int, cis: np.ndarray) -> np.ndarray:
        result = np.zeros(len(cis), dtype=np.int16)
        for flag in (True, False):
            members = np.flatnonzero(cis == flag)
            weights = self.country_weights[flow, flag]
            result[members] = rng.choice(self.n_countries, size=len(members), p=weights / weights.sum())
        return result

    def ages(self, rng: np.random.Generator, flow: int, size: int) -> np.ndarray:
        weights = np.array(self.ctx.world["age"][FLOW_NAMES[flow]], dtype=float)
        band = rng.choice(len(weights), size=size, p=weights / weights.sum())
        low, high = self.age_bands[band, 0], self.age_bands[band, 1]
        return low + (rng.random(size) * (high - low + 1)).astype(np.int64)

    # ----- a year ----------------------------------------------------------------------

    def assign(self, rng: np.random.Generator, table: dict[str, np.ndarray], plan: YearPlan | None,
               reg_month: np.ndarray) -> dict[str, np.ndarray]:
        ctx, world = self.ctx, self.ctx.world
        size = len(table["flow"])
        flow = table["flow"]
        external = flow != INTERNAL
        out = {}
        # Countries (external); the first version of a flipped coupon had a country of
        # the other group.
        country = np.full(size, self.kaz, dtype=np.int16)
        v1_country = country.copy()
        for code in (ARRIVAL, DEPARTURE):
            members = np.flatnonzero(flow == code)
            country[members] = self.countries_for(rng, code, table["cis"][members])
            v1_country[members] = np.where(table["kind"][members] == FLIP,
                                           self.countries_for(rng, code, table["v1_cis"][members]),
                                           country[members])
        def counted_arrivals(release_id: str) -> np.ndarray:
            point = next(point for point in plan.checkpoints if point.release_id == release_id)
            counted = evaluate(table, reg_month, point.cutoff, point.end_month, len(ctx.regions))["counted"]
            return np.flatnonzero(counted & (flow == ARRIVAL))

        if plan is not None and plan.arrival_country_quota:
            # A flipped coupon counted at the release's cut-off in its first version counts
            # with that version's country (of the other group).
            point = next(point for point in plan.checkpoints if point.release_id == plan.arrival_country_release)
            counted = counted_arrivals(point.release_id)
            first = ((table["kind"][counted] == FLIP) & (table["s1"][counted] <= point.cutoff)
                     & ((table["s2"][counted] == NONE) | (table["s2"][counted] > point.cutoff)))
            cis = np.where(first, table["v1_cis"][counted], table["cis"][counted])
            quota = self.country_quota(rng, np.arange(len(counted)), cis, plan.arrival_country_quota)
            country[counted[~first]] = quota[~first]
            v1_country[counted[first]] = quota[first]
        # Region of registration (external; internal regions come with the moves).
        dest = table["dest"].copy()
        for code in (ARRIVAL, DEPARTURE):
            members = np.flatnonzero(flow == code)
            dest[members] = self.regions_for(rng, code, country[members], table["reg_day"][members])
        # Each release that published them gets its regions exactly: the arrivals it counts
        # that an earlier such release already placed keep their region, the others are
        # placed so that the totals come out.
        placed = np.zeros(size, dtype=bool)
        for release_id, quota in (plan.arrival_region_quotas if plan is not None else []):
            counted = counted_arrivals(release_id)
            already = np.bincount(dest[counted[placed[counted]]], minlength=len(ctx.regions))
            free = counted[~placed[counted]]
            dest[free] = self.region_quota(rng, country[free], table["reg_day"][free], quota, already)
            placed[counted] = True
        # Ethnic group.
        ethnic = np.zeros(size, dtype=np.int16)
        internal = np.flatnonzero(flow == INTERNAL)
        ethnic[internal] = draw_categorical(rng, self.ethnic_given_region, dest[internal])
        for code in (ARRIVAL, DEPARTURE):
            members = np.flatnonzero(flow == code)
            ethnic[members] = draw_categorical(rng, self.ethnic_given_country[code], country[members])
        if plan is not None and plan.arrival_ethnic_quota:
            members = counted_arrivals(plan.arrival_ethnic_release)
            ethnic[members] = self.ethnic_quota(rng, country[members], plan.arrival_ethnic_quota)
        # Citizenship.
        citizenship = np.full(size, self.kaz, dtype=np.int16)
        settings = world["citizenship"]
        arrivals = flow == ARRIVAL
        departures = flow == DEPARTURE
        draws = rng.random(size)
        foreign = ((arrivals & (draws < settings["arrival_foreign"]))
                   | (departures & (draws < settings["departure_foreign"])))
        citizenship[foreign] = country[foreign]
        threshold = 0.0
        for code, share in settings["internal_foreign"].items():
            chosen = (flow == INTERNAL) & (draws >= threshold) & (draws < threshold + share)
            citizenship[chosen] = ctx.country_index[code]
            threshold += share
        # Sex, age, reason.
        male_share = np.array([world["sex"]["male_share"][FLOW_NAMES[code]] for code in (INTERNAL, ARRIVAL, DEPARTURE)])
        sex = (rng.random(size) >= male_share[flow]).astype(np.int8)  # 0 male, 1 female
        age = np.zeros(size, dtype=np.int64)
        for code in (INTERNAL, ARRIVAL, DEPARTURE):
            members = np.flatnonzero(flow == code)
            age[members] = self.ages(rng, code, len(members))
        birth_day = (table["reg_day"] - np.floor(age * 365.2425).astype(np.int64)
                     - rng.integers(1, 365, size=size)).astype(np.int32)
        reason = np.zeros(size, dtype=np.int8)
        repatriate = arrivals & (ethnic == ctx.ethnic_index["001"])
        for name, mask in (("internal", flow == INTERNAL), ("arrival_repatriate", repatriate),
                           ("arrival", arrivals & ~repatriate), ("departure", departures)):
            members = np.flatnonzero(mask)
            reason[members] = rng.choice(len(ctx.reasons), size=len(members), p=self.reasons[name])
        # KATO codes.
        kato = self.kato(rng, dest)
        counterpart_kato = np.zeros(size, dtype=np.int64)
        counterpart_kato[internal] = self.kato(rng, table["origin"][internal])
        # A move within a region is between two settlements (or city districts).
        for _ in range(10):
            same = internal[counterpart_kato[internal] == kato[internal]]
            if len(same) == 0:
                break
            counterpart_kato[same] = self.kato(rng, table["origin"][same])
        same = internal[counterpart_kato[internal] == kato[internal]]
        counterpart_kato[same] += 1
        v1_counterpart_kato = counterpart_kato.copy()
        corrected_origin = np.flatnonzero(table["v1_origin"] != table["origin"])
        v1_counterpart_kato[corrected_origin] = self.kato(rng, table["v1_origin"][corrected_origin])
        # Persons.
        person = (rng.integers(0, 2**63, size=size, dtype=np.int64).astype(np.uint64) * 2
                  + rng.integers(0, 2, size=size).astype(np.uint64))
        no_hash = np.array([world["person"]["no_hash"][FLOW_NAMES[code]] for code in (INTERNAL, ARRIVAL, DEPARTURE)])
        has_person = rng.random(size) >= no_hash[flow]
        # Corrections of other fields: the first version carried another value.
        corrected_field = np.full(size, NONE, dtype=np.int8)
        alternative = np.zeros(size, dtype=np.int64)
        corrected = np.flatnonzero(table["kind"] == CORRECT)
        fields = rng.integers(0, 6, size=len(corrected))
        fields[(fields == ETHNICITY) & (flow[corrected] == ARRIVAL)] = REASON
        corrected_field[corrected] = fields
        for field, make in (
                (SEX, lambda members: 1 - sex[members]),
                (BIRTH, lambda members: birth_day[members] - rng.integers(1, 400, size=len(members))),
                (REASON, lambda members: (reason[members] + rng.integers(1, 6, size=len(members))) % 7),
                (CITIZENSHIP, lambda members: np.where(citizenship[members] == self.kaz,
                                                       np.where(flow[members] == INTERNAL, ctx.country_index["RUS"],
                                                                country[members]), self.kaz)),
                (DISTRICT, lambda members: self.kato(rng, dest[members])),
                (ETHNICITY, lambda members: (ethnic[members] + rng.integers(1, 5, size=len(members))) % 18)):
            members = corrected[fields == field]
            if len(members):
                alternative[members] = make(members)
        # A district correction must change something: otherwise correct the reason.
        same = corrected[(fields == DISTRICT) & (alternative[corrected] == kato[corrected])]
        corrected_field[same] = REASON
        alternative[same] = (reason[same] + 1) % 7
        out.update(country=country, v1_country=v1_country, dest=dest, ethnic=ethnic, citizenship=citizenship,
                   sex=sex, birth_day=birth_day, reason=reason, kato=kato, counterpart_kato=counterpart_kato,
                   v1_counterpart_kato=v1_counterpart_kato, person=person, has_person=has_person,
                   corrected_field=corrected_field, alternative=alternative)
        return out

    # ----- quotas --------------------------------------------------------------------

    def country_quota(self, rng, members: np.ndarray, cis: np.ndarray, quota: dict[str, int]) -> np.ndarray:
        """Countries of the arrivals counted at a release's cut-off: the published top
        countries exactly, the other countries of each group (CIS, other) below the last
        published one of that group (BNS lists the top countries of each group), or of
        the whole list when the group has none listed."""
        ctx = self.ctx
        flags = cis[members]
        result = np.zeros(len(members), dtype=np.int16)
        for flag in (True, False):
            positions = np.flatnonzero(flags == flag)
            fixed = {code: count for code, count in quota.items() if (code in ctx.ref.cis) == flag}
            cap = min(fixed.values()) if fixed else min(quota.values())
            rest = len(positions) - sum(fixed.values())
            weights = self.country_weights[ARRIVAL, flag].copy()
            for code in fixed:
                weights[ctx.country_index[code]] = 0
            others = np.flatnonzero(weights)
            if rest < 0:
                raise PlanError("the published top countries exceed the arrivals")
            counts = capped_shares(rest, weights[others], cap - 1)
            values = np.concatenate([np.full(count, ctx.country_index[code]) for code, count in fixed.items()]
                                    + [np.repeat(others, counts)])
            result[positions] = rng.permutation(values)
        return result

    def sequential_quota(self, rng, probabilities: np.ndarray, quotas: dict[int, int],
                         allowed: np.ndarray | None = None) -> np.ndarray:
        """Give each category exactly its quota, drawing its members with the items'
        probabilities for it (probabilities: items x categories); an item never gets a
        category `allowed` (items x categories) rules out."""
        size = len(probabilities)
        result = np.full(size, -1, dtype=np.int64)
        free = np.arange(size)
        for category, count in sorted(quotas.items(), key=lambda item: item[1]):
            weights = probabilities[free, category] + 1e-6
            if allowed is not None:
                weights = weights * allowed[free, category]
                if np.count_nonzero(weights) < count:
                    raise PlanError(f"quota of {count} for category {category}: too few items may have it")
            picked = free[weighted_pick(rng, weights, count)]
            result[picked] = category
            free = np.setdiff1d(free, picked, assume_unique=True)
        if len(free):
            raise PlanError("quotas do not cover every item")
        return result

    def region_quota(self, rng, country: np.ndarray, reg_day: np.ndarray, quota: dict[str, int],
                     already: np.ndarray | None = None) -> np.ndarray:
        """Regions of the arrivals counted at a release's cut-off, but for those `already`
        placed (counts by region): with them, the published top regions exactly and every
        other region below the last of them; each arrival in a region in force on its day
        (before the regions of 2022 were split off, their weight is their parent's)."""
        ctx = self.ctx
        already = np.zeros(len(ctx.regions), dtype=np.int64) if already is None else already
        probabilities = self.region_given_country[ARRIVAL][country].copy()
        before_split = reg_day < int(ctx.valid_from.max())
        for child in np.flatnonzero(ctx.parent >= 0):
            probabilities[before_split, ctx.parent[child]] += probabilities[before_split, child]
            probabilities[before_split, child] = 0
        probabilities *= (ctx.valid_from[None, :] <= reg_day[:, None]) & (reg_day[:, None] <= ctx.valid_to[None, :])
        probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
        fixed = {ctx.region_index[code]: count - int(already[ctx.region_index[code]]) for code, count in quota.items()}
        if min(fixed.values()) < 0:
            raise PlanError(f"published arrivals by region {quota} below those already placed")
        expected = probabilities.sum(axis=0)
        others = [index for index in range(len(ctx.regions)) if index not in fixed]
        counts = capped_shares(len(country) - sum(fixed.values()), expected[others],
                               min(quota.values()) - 1 - already[others])
        quotas = {**fixed, **{index: int(count) for index, count in zip(others, counts)}}
        return self.sequential_quota(rng, probabilities, quotas, allowed=probabilities > 0).astype(np.int8)

    def ethnic_quota(self, rng, country: np.ndarray, quota: dict[str, int]) -> np.ndarray:
        """Ethnic groups of the arrivals of a release: the published groups exactly,
        every other group below the smallest of them."""
        ctx = self.ctx
        probabilities = self.ethnic_given_country[ARRIVAL][country]
        probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
        fixed = {ctx.ethnic_index[code]: count for code, count in quota.items()}
        rest = probabilities.copy()
        rest[:, list(fixed)] = 0
        expected = rest.sum(axis=0)
        others = [index for index in range(len(ctx.ethnic_groups))
                  if index not in fixed and expected[index] > 0]
        counts = capped_shares(len(country) - sum(fixed.values()), expected[others], min(quota.values()) - 1)
        quotas = {**fixed, **{index: int(count) for index, count in zip(others, counts)}}
        return self.sequential_quota(rng, probabilities, quotas).astype(np.int16)
