"""The analyst's way, for `kzmig bench`: the three monthly marts (net_migration_monthly,
external_migration_by_country_monthly, interregional_flows_monthly) computed with pandas
straight from the delivery files, applying every rule of the extract spec that changes them
(no cut-off). Outcomes are not accounted beyond what the marts need. Not used by the
warehouse; the bench checks that it agrees with the warehouse and the floor.

    python -m kzmig.bench.pandas_marts LANDING_DIR OUT_DIR
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pa_parquet

from kzmig.bench.deliveries import COUNTRIES_CSV, EXTRACT_COLUMNS, REGIONS_CSV, check_headers, delivery_files
from kzmig.project import KzmigError

WHITE_SPACE = " \t\r\n"
UPPER = ["coupon_type", "sex", "citizenship", "counterpart_country"]
LOWER = ["person_id_hash", "record_status"]


def read_deliveries(files: list[Path], file_format: str) -> pd.DataFrame:
    """Every delivery as text columns (pyarrow-backed strings), in file order."""
    tables = []
    for path in files:
        if file_format == "csv":
            table = pa_csv.read_csv(
                path,
                read_options=pa_csv.ReadOptions(column_names=EXTRACT_COLUMNS, skip_rows=1),
                convert_options=pa_csv.ConvertOptions(column_types={c: pa.string() for c in EXTRACT_COLUMNS},
                                                      strings_can_be_null=False),
            )
        else:
            table = pa_parquet.read_table(path, columns=EXTRACT_COLUMNS)
        tables.append(table)
    return pa.concat_tables(tables).to_pandas(types_mapper=pd.ArrowDtype)


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Trim every value (empty = missing) and put codes in one case."""
    for column in EXTRACT_COLUMNS:
        values = frame[column].str.strip(WHITE_SPACE)
        values = values.mask(values == "")
        if column in UPPER:
            values = values.str.upper()
        elif column in LOWER:
            values = values.str.lower()
        frame[column] = values
    return frame


def parse_dates(text: pd.Series) -> pd.Series:
    """YYYY-MM-DD or DD.MM.YYYY, real calendar dates; anything else NaT."""
    text = text.astype(object)
    iso = text.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", na=False)
    dotted = text.str.fullmatch(r"[0-9]{2}\.[0-9]{2}\.[0-9]{4}", na=False)
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    result[iso] = pd.to_datetime(text[iso], format="%Y-%m-%d", errors="coerce")
    result[dotted] = pd.to_datetime(text[dotted], format="%d.%m.%Y", errors="coerce")
    return result


def compute_marts(landing_dir: Path) -> dict[str, pd.DataFrame]:
    files, file_format = delivery_files(landing_dir)
    check_headers(files, file_format)
    rows = normalise(read_deliveries(files, file_format))

    submitted_text = rows["submitted_at"].astype(object)
    submitted_at = pd.to_datetime(submitted_text, format="%Y-%m-%dT%H:%M:%S", errors="coerce")
    valid_form = submitted_text.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}", na=False)
    if (submitted_at.isna() | ~valid_form).any():
        raise KzmigError("malformed delivery: a submitted_at is not a timestamp YYYY-MM-DDTHH:MM:SS")
    rows["submitted_at"] = submitted_at

    # identical rows and missing ids: only ids sent more than once can repeat a row
    rows = rows[rows["coupon_id"].notna()]
    repeated = rows["coupon_id"].duplicated(keep=False)
    revised = rows[repeated].drop_duplicates()

    # versions: the latest submitted_at counts; two versions sharing it are in conflict
    latest_at = revised.groupby("coupon_id", observed=True)["submitted_at"].transform("max")
    revised = revised[revised["submitted_at"] == latest_at]
    revised = revised[~revised["coupon_id"].duplicated(keep=False)]
    latest = pd.concat([rows[~repeated], revised], ignore_index=True)
    del rows, revised

    # withdrawn, then the checks in the spec's order
    latest = latest[latest["record_status"].astype(object) == "active"]
    latest = latest[latest["coupon_type"].isin(["A", "D"])]
    latest["registration_date"] = parse_dates(latest["registration_date"])
    latest = latest[latest["registration_date"].notna()]
    latest = latest[latest["registration_date"] <= latest["submitted_at"].dt.normalize()]

    regions = pd.read_csv(REGIONS_CSV, dtype=str, keep_default_na=False)
    valid_from = [pd.Timestamp(value) if value else None for value in regions["valid_from_date"]]
    valid_to = [pd.Timestamp(value) if value else None for value in regions["valid_to_date"]]
    validity = {code: (start, end) for code, start, end in zip(regions["region_code"], valid_from, valid_to)}

    def region_in_force(kato: pd.Series) -> pd.Series:
        kato = kato.astype(object)
        region = kato.str.slice(0, 2).where(kato.str.fullmatch(r"[0-9]{9}", na=False))
        in_force = pd.Series(False, index=kato.index)
        for code, (start, end) in validity.items():
            matches = region == code
            if start is not None:
                matches &= latest["registration_date"] >= start
            if end is not None:
                matches &= latest["registration_date"] <= end
            in_force |= matches
        return region.where(in_force)

    latest["region_code"] = region_in_force(latest["kato_code"])
    latest = latest[latest["region_code"].notna()]
    latest = latest[latest["counterpart_country"].notna()]
    countries = pd.read_csv(COUNTRIES_CSV, dtype=str, keep_default_na=False)
    countries = countries[countries["is_iso_country"] == "true"]
    latest = latest[latest["counterpart_country"].isin(countries["country_code"])]
    internal = latest["counterpart_country"].astype(object) == "KAZ"
    latest = latest[~(internal & (latest["coupon_type"].astype(object) == "D"))]
    internal = latest["counterpart_country"].astype(object) == "KAZ"
    latest["counterpart_region_code"] = region_in_force(latest["counterpart_kato_code"]).where(internal)
    latest = latest[~(internal & latest["counterpart_region_code"].isna())]

    # duplicate registrations: the smallest coupon_id of a shared registration counts
    keys = ["person_id_hash", "coupon_type", "registration_date", "kato_code"]
    with_person = latest[latest["person_id_hash"].notna()]
    shared = with_person[with_person.duplicated(keys, keep=False)]
    smallest = shared.groupby(keys, observed=True)["coupon_id"].transform("min")
    duplicates = shared.index[shared["coupon_id"] != smallest]
    counted = latest.drop(index=duplicates)

    counted = pd.DataFrame({
        "year": counted["registration_date"].dt.year.astype("int32"),
        "month": counted["registration_date"].dt.month.astype("int32"),
        "coupon_type": counted["coupon_type"].astype(object),
        "region_code": counted["region_code"].astype(object),
        "counterpart_region_code": counted["counterpart_region_code"].astype(object),
        "counterpart_country": counted["counterpart_country"].astype(object),
    })
    cis = set(countries.loc[countries["is_cis"] == "true", "country_code"])
    counted["is_cis"] = counted["counterpart_country"].isin(cis)
    counted["flow"] = "external"
    is_internal = counted["counterpart_country"] == "KAZ"
    counted.loc[is_internal, "flow"] = "intraregional"
    counted.loc[is_internal & (counted["counterpart_region_code"] != counted["region_code"]), "flow"] = "interregional"
    return aggregate(counted, regions, valid_from, valid_to)


def aggregate(counted: pd.DataFrame, regions: pd.DataFrame, valid_from: list,
              valid_to: list) -> dict[str, pd.DataFrame]:
    external = counted[counted["flow"] == "external"]
    by_country = (external.assign(arrivals=(external["coupon_type"] == "A").astype("int64"),
                                  departures=(external["coupon_type"] == "D").astype("int64"))
                  .groupby(["year", "month", "counterpart_country", "is_cis"], as_index=False)[
                      ["arrivals", "departures"]].sum()
                  .rename(columns={"counterpart_country": "country_code"}))
    by_country["net_migration"] = by_country["arrivals"] - by_country["departures"]

    interregional = counted[counted["flow"] == "interregional"]
    flows = (interregional.groupby(["year", "month", "counterpart_region_code", "region_code"], as_index=False)
             .size().rename(columns={"counterpart_region_code": "origin_region_code",
                                     "region_code": "destination_region_code", "size": "migrants"}))
    flows["migrants"] = flows["migrants"].astype("int64")

    ends = pd.concat([
        pd.DataFrame({"year": counted["year"], "month": counted["month"], "region_code": counted["region_code"],
                      "external_arrivals": (counted["flow"] == "external") & (counted["coupon_type"] == "A"),
                      "external_departures": (counted["flow"] == "external") & (counted["coupon_type"] == "D"),
                      "interregional_arrivals": counted["flow"] == "interregional",
                      "interregional_departures": False,
                      "intraregional_moves": counted["flow"] == "intraregional"}),
        pd.DataFrame({"year": interregional["year"], "month": interregional["month"],
                      "region_code": interregional["counterpart_region_code"],
                      "external_arrivals": False, "external_departures": False,
                      "interregional_arrivals": False, "interregional_departures": True,
                      "intraregional_moves": False}),
    ], ignore_index=True)
    sums = ends.groupby(["year", "month", "region_code"], as_index=False).sum()

    first = int((counted["year"] * 12 + counted["month"] - 1).min())
    last = int((counted["year"] * 12 + counted["month"] - 1).max())
    counted_years = set(counted["year"].astype(int))
    spine = []
    for index in range(first, last + 1):
        year, month = divmod(index, 12)
        if year not in counted_years:  # a year with no counted coupon has no rows
            continue
        start = pd.Timestamp(year=year, month=month + 1, day=1)
        end = start + pd.offsets.MonthEnd(0)
        for code, region_from, region_to in zip(regions["region_code"], valid_from, valid_to):
            if (region_from is None or region_from <= end) and (region_to is None or region_to >= start):
                spine.append((year, month + 1, code))
    region_months = pd.DataFrame(spine, columns=["year", "month", "region_code"]).astype(
        {"year": "int32", "month": "int32"})
    net = region_months.merge(sums, on=["year", "month", "region_code"], how="left").fillna(0)
    columns = ["external_arrivals", "external_departures", "interregional_arrivals",
               "interregional_departures", "intraregional_moves"]
    net[columns] = net[columns].astype("int64")
    net["arrivals"] = net["external_arrivals"] + net["interregional_arrivals"] + net["intraregional_moves"]
    net["departures"] = net["external_departures"] + net["interregional_departures"] + net["intraregional_moves"]
    net["net_migration"] = net["arrivals"] - net["departures"]
    net["external_net_migration"] = net["external_arrivals"] - net["external_departures"]
    net["interregional_net"] = net["interregional_arrivals"] - net["interregional_departures"]
    net = net[["year", "month", "region_code", "arrivals", "departures", "net_migration", "external_arrivals",
               "external_departures", "external_net_migration", "interregional_arrivals", "interregional_departures",
               "interregional_net", "intraregional_moves"]]
    return {"net_migration_monthly": net, "external_migration_by_country_monthly": by_country,
            "interregional_flows_monthly": flows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landing_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        marts = compute_marts(args.landing_dir)
    except KzmigError as error:
        print(f"pandas: error: {error}", file=sys.stderr)
        return 1
    computed = time.monotonic() - started
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in marts.items():
        frame.to_parquet(args.out_dir / f"{name}.parquet", index=False)
    print(json.dumps({"compute_seconds": round(computed, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
