"""The years a build counts that the reference data do not cover, as `kzmig build` prints them.

Extract spec 1.2: any real calendar date is a registration date, and missing reference
data for its year never stop a build. The figures are SQL (`audit.reference_years_not_covered`:
reference, consequence, year, coupons); this module only reads that table after a
successful build and words it as lines of the build's summary.
"""

from __future__ import annotations

import os
from itertools import groupby

from kzmig.project import warehouse_path

TABLE = "audit.reference_years_not_covered"
# Years shown per line; the rest are counted ("… and N more years").
YEARS_SHOWN = 12


def read_not_covered(target_name: str) -> list[tuple[str, str, int, int]]:
    """The rows of TABLE (reference_code, consequence_code, year, coupon_count) of the
    warehouse just built, in order."""
    sql = f"select reference_code, consequence_code, year, coupon_count from {TABLE} order by 1, 2, 3"
    if target_name == "postgres":
        from kzmig.load import connect

        connection = connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                rows = cursor.fetchall()
        finally:
            connection.close()
    else:
        import duckdb

        with duckdb.connect(str(warehouse_path()), read_only=True) as connection:
            rows = connection.execute(sql).fetchall()
    return [(reference, consequence, int(year), int(coupons)) for reference, consequence, year, coupons in rows]


def _coupons(count: int) -> str:
    return f"{count} coupon" if count == 1 else f"{count} coupons"


def not_covered_lines(rows: list[tuple[str, str, int, int]]) -> list[str]:
    """One line per reference and consequence naming its years and coupons; none when
    the reference data cover every year counted."""
    if not rows:
        return []
    lines = [f"kzmig: years the reference data do not cover (counted all the same; {TABLE}):"]
    for (reference, consequence), group in groupby(rows, key=lambda row: (row[0], row[1])):
        years = [(year, coupons) for _, _, year, coupons in group]
        shown = ", ".join(f"{year} ({_coupons(coupons)})" for year, coupons in years[:YEARS_SHOWN])
        if len(years) > YEARS_SHOWN:
            shown += f", … and {len(years) - YEARS_SHOWN} more years"
        lines.append(f"kzmig:   {reference}: {consequence}: {shown}")
    return lines


def reference_year_notes(target_name: str) -> list[str]:
    """The summary's lines on the years not covered, read from the warehouse just built.

    Reading them must not turn a successful build into a failure: when the table cannot
    be read, one line says so and names the table."""
    try:
        return not_covered_lines(read_not_covered(target_name))
    except Exception as error:  # noqa: BLE001 - the build succeeded; say what could not be read
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        database = os.environ.get("KZMIG_PG_DATABASE", "kz_migration") if target_name == "postgres" \
            else warehouse_path()
        return [f"kzmig: cannot read {TABLE} of {database}: {first_line}"]
