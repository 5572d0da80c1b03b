"""From coupons to rows of the extracts: one row per version, plus the messy rows
(each made to end in a known outcome), the kept-as-unknown flaws and the format
variations of the older systems.

Every row carries the outcome it was made for (as of no cut-off); the manifest is
counted from these, not by re-running the rules.
"""

from __future__ import annotations

import numpy as np

from kzmig.generator.attributes import (BIRTH, CITIZENSHIP, DISTRICT, ETHNICITY, REASON, SEX,
                                        Attributes)
from kzmig.generator.year import (ARRIVAL, BREAK, CANCEL, CORRECT, CORRECT_ORIGIN, DAY, DEPARTURE, FLIP,
                                  INTERNAL, NONE, PROMPT, REACTIVATE, YearBuilder)

OUTCOMES = ["counted", "superseded", "withdrawn", "rejected", "identical_row", "duplicate_registration",
            "after_cutoff"]
COUNTED, SUPERSEDED, WITHDRAWN, REJECTED, IDENTICAL, DUPLICATE = range(6)
REJECT_REASONS = ["missing_coupon_id", "conflicting_versions", "invalid_record_status", "invalid_coupon_type",
                  "invalid_registration_date", "registration_after_submission", "unknown_region",
                  "missing_counterpart", "unknown_country", "departure_within_country",
                  "unknown_counterpart_region"]
REASON_CODE = {name: index for index, name in enumerate(REJECT_REASONS)}
UNKNOWN_FIELDS = ["sex", "age", "citizenship", "ethnic_group", "reason"]
VERSION, MESSY, DUPLICATE_ROW = range(3)  # roles of rows

# Text overrides are keyed by these column names.
COLUMNS = ["coupon_id", "coupon_type", "registration_date", "person_id_hash", "sex", "birth_date",
           "citizenship", "ethnicity_code", "kato_code", "counterpart_country", "counterpart_kato_code",
           "reason_code", "submitted_at", "record_status"]


class Rows:
    """Columns of rows, numeric where possible, with text overrides for the values
    no number can carry (invalid dates, unknown codes...)."""

    NUMERIC = {
        "seq": np.int64, "flow": np.int8, "reg_day": np.int32, "person": np.uint64, "has_person": np.bool_,
        "sex": np.int8, "birth_day": np.int32, "citizenship": np.int16, "ethnic": np.int16, "kato": np.int64,
        "country": np.int16, "counterpart_kato": np.int64, "reason": np.int8, "submitted": np.int64,
        "cancelled": np.bool_, "outcome": np.int8, "reject": np.int8, "dmy": np.bool_,
        "unknown": np.int8,  # bit mask of UNKNOWN_FIELDS, on counted rows
        # What the row is, to account for it at any cut-off: a version of a coupon (its
        # coupon and version number), a messy row or a duplicate registration.
        "role": np.int8, "coupon_key": np.int64, "version": np.int8,
    }

    def __init__(self, columns: dict[str, np.ndarray], overrides: dict[str, tuple[np.ndarray, list]] | None = None):
        self.columns = columns
        self.overrides = overrides or {}

    def __len__(self) -> int:
        return len(self.columns["seq"])

    @classmethod
    def concat(cls, parts: list["Rows"]) -> "Rows":
        columns = {name: np.concatenate([part.columns[name] for part in parts]) for name in cls.NUMERIC}
        overrides: dict[str, tuple[list, list]] = {}
        offset = 0
        for part in parts:
            for column, (indices, values) in part.overrides.items():
                target = overrides.setdefault(column, ([], []))
                target[0].append(np.asarray(indices, dtype=np.int64) + offset)
                target[1].extend(values)
            offset += len(part)
        return cls(columns, {column: (np.concatenate(indices), values)
                             for column, (indices, values) in overrides.items()})

    def take(self, order: np.ndarray) -> "Rows":
        """The rows in another order (order[i] is the old position of new row i)."""
        new_position = np.empty(len(order), dtype=np.int64)
        new_position[order] = np.arange(len(order))
        columns = {name: values[order] for name, values in self.columns.items()}
        overrides = {column: (new_position[np.asarray(indices, dtype=np.int64)], values)
                     for column, (indices, values) in self.overrides.items()}
        return Rows(columns, overrides)

    def override(self, column: str, indices: np.ndarray, values: list) -> None:
        old_indices, old_values = self.overrides.get(column, (np.zeros(0, dtype=np.int64), []))
        self.overrides[column] = (np.concatenate([old_indices, np.asarray(indices, dtype=np.int64)]),
                                  list(old_values) + list(values))


def pick_values(rng: np.random.Generator, options: list[str], size: int) -> list[str]:
    return [options[index] for index in rng.integers(0, len(options), size=size)]


class RowMaker:
    def __init__(self, builder: YearBuilder, attributes: Attributes):
        self.builder = builder
        self.ctx = builder.ctx
        self.attributes = attributes
        self.rng = builder.rng
        self.world = builder.ctx.world

    # ----- the coupons' versions ------------------------------------------------------

    def versions(self, table: dict, people: dict) -> Rows:
        kind = table["kind"]
        size = len(kind)
        count = 1 + (table["s2"] != NONE) + (table["s3"] != NONE)
        coupon = np.repeat(np.arange(size), count)
        starts = np.cumsum(count) - count
        version = np.arange(len(coupon)) - np.repeat(starts, count) + 1
        submitted = np.select([version == 1, version == 2, version == 3],
                              [table["s1"][coupon], table["s2"][coupon], table["s3"][coupon]])
        last = version == count[coupon]
        k = kind[coupon]
        first = version == 1
        cancelled = ((k == CANCEL) | (k == REACTIVATE)) & (version == 2)
        columns = {
            "seq": np.zeros(len(coupon), dtype=np.int64),
            "flow": table["flow"][coupon],
            "reg_day": table["reg_day"][coupon],
            "person": people["person"][coupon],
            "has_person": people["has_person"][coupon],
            "sex": people["sex"][coupon].copy(),
            "birth_day": people["birth_day"][coupon].copy(),
            "citizenship": people["citizenship"][coupon].copy(),
            "ethnic": people["ethnic"][coupon].copy(),
            "kato": people["kato"][coupon].copy(),
            "country": np.where(first & (k == FLIP), people["v1_country"][coupon], people["country"][coupon]),
            "counterpart_kato": np.where(first & (k == CORRECT_ORIGIN), people["v1_counterpart_kato"][coupon],
                                         people["counterpart_kato"][coupon]),
            "reason": people["reason"][coupon].copy(),
            "submitted": submitted,
            "cancelled": cancelled,
            "outcome": np.where(last, np.where(cancelled, WITHDRAWN, COUNTED), SUPERSEDED).astype(np.int8),
            "reject": np.full(len(coupon), NONE, dtype=np.int8),
            "dmy": np.zeros(len(coupon), dtype=bool),
            "unknown": np.zeros(len(coupon), dtype=np.int8),
            "role": np.full(len(coupon), VERSION, dtype=np.int8),
            "coupon_key": coupon.astype(np.int64),
            "version": version.astype(np.int8),
        }
        # The first version of a corrected coupon carried the wrong value.
        field = people["corrected_field"][coupon]
        alternative = people["alternative"][coupon]
        wrong = first & (k == CORRECT)
        for code, column in ((SEX, "sex"), (BIRTH, "birth_day"), (REASON, "reason"), (CITIZENSHIP, "citizenship"),
                             (DISTRICT, "kato"), (ETHNICITY, "ethnic")):
            mask = wrong & (field == code)
            columns[column][mask] = alternative[mask]
        rows = Rows(columns)
        rows.coupon = coupon  # index of the coupon of each row (for the identifiers)
        # A version that breaks the coupon: a registration date or KATO code no check passes.
        broken = np.flatnonzero((k == BREAK) & (version == 2))
        bad_date = broken[self.rng.random(len(broken)) < 0.5]
        bad_kato = np.setdiff1d(broken, bad_date)
        values = self.world["noise"]["values"]
        rows.override("registration_date", bad_date,
                      pick_values(self.rng, values["invalid_registration_date"], len(bad_date)))
        rows.override("kato_code", bad_kato, pick_values(self.rng, values["unknown_kato"], len(bad_kato)))
        columns["outcome"][broken] = REJECTED
        columns["reject"][bad_date] = REASON_CODE["invalid_registration_date"]
        columns["reject"][bad_kato] = REASON_CODE["unknown_region"]
        rows.single = (k == PROMPT)  # rows of coupons sent once and never changed
        return rows

    # ----- messy rows -------------------------------------------------------------------

    def noise_coupons(self, count: int, flows: list[int] | None = None) -> tuple[dict, dict]:
        """Valid-looking coupons of the year, to be broken on purpose."""
        builder = self.builder
        rng = self.rng
        flows = flows or [INTERNAL, ARRIVAL, DEPARTURE]
        shares = np.array([{INTERNAL: 0.6, ARRIVAL: 0.2, DEPARTURE: 0.2}[flow] for flow in flows])
        flow = rng.choice(flows, size=count, p=shares / shares.sum())
        months = builder.draw_months(count, builder.season(INTERNAL))
        reg_day = builder.draw_days(months)
        dest, origin = builder.draw_internal_regions(reg_day, self.world["internal"]["interregional_share"])
        cis = rng.random(count) < 0.85
        table = {
            "flow": flow.astype(np.int8), "kind": np.zeros(count, dtype=np.int8), "reg_day": reg_day,
            "dest": np.where(flow == INTERNAL, dest, NONE).astype(np.int8),
            "origin": np.where(flow == INTERNAL, origin, NONE).astype(np.int8),
            "cis": cis, "v1_cis": cis, "v1_origin": np.where(flow == INTERNAL, origin, NONE).astype(np.int8),
            "s1": builder.prompt_submission(reg_day, months),
            "s2": np.full(count, NONE, dtype=np.int64), "s3": np.full(count, NONE, dtype=np.int64),
        }
        people = self.attributes.assign(rng, table, None, months)
        return table, people

    def noise(self, main: Rows) -> list[Rows]:
        settings = self.world["noise"]
        values = settings["values"]
        scale = self.builder.plan.scale
        rng = self.rng
        parts = []

        def scaled(value: float) -> int:
            return int(round(value * scale))

        # Rows without a coupon_id.
        count = scaled(settings["missing_coupon_id"])
        if count:
            table, people = self.noise_coupons(count)
            rows = self.versions(table, people)
            rows.columns["seq"][:] = NONE
            blank = np.flatnonzero(rng.random(count) < 0.3)
            rows.override("coupon_id", blank, pick_values(rng, ["  ", " "], len(blank)))
            self.reject(rows, np.arange(count), "missing_coupon_id")
            parts.append(rows)
        # Two different versions sent at the same moment.
        count = scaled(settings["conflicting_versions"])
        if count:
            table, people = self.noise_coupons(count)
            first = self.versions(table, people)
            second = self.versions(table, people)
            second.columns["kato"] = self.attributes.kato(rng, people["dest"])
            same = second.columns["kato"] == first.columns["kato"]
            second.columns["kato"][same] += 1  # another settlement
            both = Rows.concat([first, second])
            both.coupon = np.concatenate([first.coupon, first.coupon])
            self.reject(both, np.arange(2 * count), "conflicting_versions")
            parts.append(both)
        # One rejected coupon per check, made to fail that check and pass the ones before it.
        split_day = int(self.ctx.valid_from.max())
        for reason, count in settings["rejected"].items():
            count = scaled(count)
            if count == 0:
                continue
            flows = {"departure_within_country": [DEPARTURE], "unknown_counterpart_region": [INTERNAL]}.get(reason)
            table, people = self.noise_coupons(count, flows)
            rows = self.versions(table, people)
            every = np.arange(count)
            if reason == "invalid_record_status":
                rows.override("record_status", every, pick_values(rng, values["invalid_record_status"], count))
            elif reason == "invalid_coupon_type":
                rows.override("coupon_type", every, pick_values(rng, values["invalid_coupon_type"], count))
            elif reason == "invalid_registration_date":
                rows.override("registration_date", every, pick_values(rng, values["invalid_registration_date"], count))
            elif reason == "registration_after_submission":
                later = rows.columns["submitted"] // DAY + rng.integers(1, 21, size=count)
                rows.columns["reg_day"] = later.astype(np.int32)
            elif reason == "unknown_region":
                early = every[rows.columns["reg_day"] < split_day]
                new_region = early[rng.random(len(early)) < 0.5]
                rest = np.setdiff1d(every, new_region)
                rows.override("kato_code", new_region, [f"{code}1010000" for code in
                                                        pick_values(rng, ["10", "33", "62"], len(new_region))])
                rows.override("kato_code", rest, pick_values(rng, values["unknown_kato"], len(rest)))
            elif reason == "missing_counterpart":
                rows.override("counterpart_country", every, [None] * count)
            elif reason == "unknown_country":
                rows.override("counterpart_country", every, pick_values(rng, values["unknown_country"], count))
            elif reason == "departure_within_country":
                rows.override("counterpart_country", every, pick_values(rng, ["KAZ", "kaz", " KAZ"], count))
            elif reason == "unknown_counterpart_region":
                early = every[rows.columns["reg_day"] < split_day]
                new_region = early[rng.random(len(early)) < 0.5]
                rest = np.setdiff1d(every, new_region)
                rows.override("counterpart_kato_code", new_region,
                              [f"{code}1010000" for code in pick_values(rng, ["10", "33", "62"], len(new_region))])
                rows.override("counterpart_kato_code", rest, pick_values(rng, values["unknown_kato"], len(rest)))
            else:
                raise ValueError(f"unknown reject reason {reason}")
            self.reject(rows, every, reason)
            parts.append(rows)
        # The same person registered twice at the same place on the same day.
        count = scaled(settings["duplicate_registration"])
        originals = np.flatnonzero(main.single & main.columns["has_person"])
        if count and len(originals):
            chosen = rng.choice(originals, size=min(count, len(originals)), replace=False)
            columns = {name: values_[chosen].copy() for name, values_ in main.columns.items()}
            columns["dmy"] = ~columns["dmy"]  # the date in the other format
            later, ok = self.builder.window(columns["submitted"] - 1, columns["submitted"] + 10 * DAY, len(chosen))
            columns["submitted"] = np.where(ok, later, columns["submitted"])
            columns["outcome"][:] = DUPLICATE
            columns["reject"][:] = NONE
            columns["unknown"][:] = 0
            columns["role"][:] = DUPLICATE_ROW
            changed = rng.random(len(chosen)) < 0.3
            columns["reason"] = np.where(changed, (columns["reason"] + 1) % 7, columns["reason"]).astype(np.int8)
            rows = Rows(columns)
            rows.coupon = np.full(len(chosen), NONE)
            rows.duplicate_of = chosen
            parts.append(rows)
        return parts

    def reject(self, rows: Rows, indices: np.ndarray, reason: str) -> None:
        rows.columns["role"][indices] = MESSY
        rows.columns["outcome"][indices] = REJECTED
        rows.columns["reject"][indices] = REASON_CODE[reason]

    # ----- flaws kept as unknown, and formats --------------------------------------------

    def flaws(self, rows: Rows) -> None:
        """Unknown sex, birth date, citizenship, ethnic group or reason on coupons sent
        once (so that the coupon counts with its flaw)."""
        rng = self.rng
        rates = self.world["flaws"]
        values = self.world["noise"]["values"]
        columns = rows.columns
        single = np.flatnonzero(rows.single)
        draws = rng.random(len(single))

        def take(rate: float, offset: float, eligible: np.ndarray | None = None) -> np.ndarray:
            chosen = single[(draws >= offset) & (draws < offset + rate)]
            return chosen if eligible is None else chosen[eligible[chosen]]

        offset = 0.0
        for name, rate in rates.items():
            if name == "ethnicity":
                chosen = take(rate, offset, columns["flow"] != ARRIVAL)
            else:
                chosen = take(rate, offset)
            offset += rate
            if name == "sex":
                rows.override("sex", chosen, pick_values(rng, values["unknown_sex"], len(chosen)))
                bit = 0
            elif name == "birth_date_empty":
                rows.override("birth_date", chosen, [None] * len(chosen))
                bit = 1
            elif name == "birth_date_invalid":
                rows.override("birth_date", chosen, pick_values(rng, values["invalid_birth_date"], len(chosen)))
                bit = 1
            elif name == "birth_date_after_registration":
                columns["birth_day"][chosen] = columns["reg_day"][chosen] + rng.integers(1, 400, size=len(chosen))
                bit = 1
            elif name == "citizenship_empty":
                rows.override("citizenship", chosen, [None] * len(chosen))
                bit = 2
            elif name == "citizenship_unrecognised":
                rows.override("citizenship", chosen, pick_values(rng, values["unknown_citizenship"], len(chosen)))
                bit = 2
            elif name == "ethnicity":
                rows.override("ethnicity_code", chosen, pick_values(rng, values["unknown_ethnicity"], len(chosen)))
                bit = 3
            elif name == "reason":
                rows.override("reason_code", chosen, pick_values(rng, values["unknown_reason"], len(chosen)))
                bit = 4
            else:
                raise ValueError(f"unknown flaw {name}")
            columns["unknown"][chosen] |= np.int8(1 << bit)

    def formats(self, rows: Rows) -> None:
        """DD.MM.YYYY dates from the older systems of some regions."""
        settings = self.world["format"]
        rate = np.full(len(self.ctx.regions), settings["dmy_other"])
        for code, share in settings["dmy_regions"].items():
            rate[self.ctx.region_index[code]] = share
        region = (rows.columns["kato"] // 10**7).astype(np.int64)
        lookup = np.full(100, settings["dmy_other"])
        for index, code in enumerate(self.ctx.regions):
            lookup[int(code)] = rate[index]
        rows.columns["dmy"] |= self.rng.random(len(rows)) < lookup[np.clip(region, 0, 99)]
