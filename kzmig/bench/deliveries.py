"""What the floor and the pandas computation share: the delivery files of a landing folder,
their header check, and where the reference seeds are. No business rule beyond the file
contract of the extract spec."""

from __future__ import annotations

import csv
from pathlib import Path

from kzmig.project import PROJECT_DIR, KzmigError

EXTRACT_COLUMNS = [
    "coupon_id", "coupon_type", "registration_date", "person_id_hash", "sex", "birth_date",
    "citizenship", "ethnicity_code", "kato_code", "counterpart_country", "counterpart_kato_code",
    "reason_code", "submitted_at", "record_status",
]
REGIONS_CSV = PROJECT_DIR / "seeds" / "reference" / "regions.csv"
COUNTRIES_CSV = PROJECT_DIR / "seeds" / "reference" / "countries.csv"
MARTS = ["net_migration_monthly", "external_migration_by_country_monthly", "interregional_flows_monthly"]


def delivery_files(landing_dir: str | Path) -> tuple[list[Path], str]:
    """The coupons_*.csv or coupons_*.parquet files of the folder, in file name order, and
    their format; a folder holding both, or neither, is refused."""
    landing = Path(landing_dir)
    csv_files = sorted(landing.glob("coupons_*.csv"))
    parquet_files = sorted(landing.glob("coupons_*.parquet"))
    if csv_files and parquet_files:
        raise KzmigError(f"{landing} holds both CSV and Parquet deliveries")
    if not (csv_files or parquet_files):
        raise KzmigError(f"{landing} holds no coupons_*.csv or coupons_*.parquet file")
    return (csv_files, "csv") if csv_files else (parquet_files, "parquet")


def check_headers(files: list[Path], file_format: str) -> None:
    """Stop on a file whose columns are not exactly the spec's (a malformed delivery)."""
    for path in files:
        if file_format == "csv":
            with open(path, encoding="utf-8-sig", newline="") as handle:
                found = next(csv.reader(handle), [])
        else:
            import pyarrow.parquet as parquet

            found = parquet.read_schema(path).names
        if found != EXTRACT_COLUMNS:
            raise KzmigError(f"malformed delivery: {path.name} row 0 (header): found {','.join(found)}")
