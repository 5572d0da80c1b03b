"""The tables of a release (`marts.release_<name>`) and their words, read from
`marts.release_table_titles` and `release_table_headers`; the matrix's axes (`MATRICES`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from kzmig.export.formatting import in_language

LANGUAGES = ("en", "ru", "kk")
SUPPRESSED = "x"  # a withheld count (its status not F)


@dataclass(frozen=True)
class Column:
    key: str  # the release table's column and the CSV's
    headers: dict = field(default_factory=dict)  # language -> header
    kind: str = "int"  # text, code (CSV only), int, pct, month, date, figure
    status: str = ""  # a protected count's status column
    source: str = ""  # the release table's column when not `key` (a label `<source>_<lang>`)
    groups: dict = field(default_factory=dict)  # language -> the group above the header

    def header(self, lang: str) -> str:
        return in_language(self.headers, lang, f"header of column {self.key}")

    def group(self, lang: str) -> str | None:
        return self.groups.get(lang) or None


@dataclass(frozen=True)
class Matrix:
    """A long table pivoted: a row per row_key (labelled row_label), a column per column_key."""

    row_key: str
    row_label: str
    column_key: str
    value: str
    corners: dict = field(default_factory=dict)

    def corner(self, lang: str) -> str:
        return in_language(self.corners, lang, "corner label of the matrix")


MATRICES = {"interregional_flows": dict(
    row_key="origin_region_code", row_label="origin_region_name",
    column_key="destination_region_code", value="migrants")}


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    sheets: dict = field(default_factory=dict)
    titles: dict = field(default_factory=dict)  # {period}: the release's period
    label: str = ""  # the column naming a row (items indented under a total)
    dynamic: bool = False  # by year or month: rows name the release each year comes from
    matrix: Matrix | None = None

    def sheet(self, lang: str) -> str:
        return in_language(self.sheets, lang, f"sheet name of table {self.name}")

    def title(self, lang: str, period: str) -> str:
        return in_language(self.titles, lang, f"title of table {self.name}").format(period=period)

    @property
    def relation(self) -> str:
        return f"marts.release_{self.name}"


def header_rows(headers: list[tuple[str | None, str, bool]]
                ) -> list[list[tuple[str, int, int, bool]]]:
    """Headers (group, header, numeric) as header rows of (text, colspan, rowspan, numeric)."""
    two = any(group for group, _, _ in headers)
    top: list[list] = []
    for group, header, numeric in headers:
        if group and top and top[-1][0] == group and top[-1][2] == 1:
            top[-1][1] += 1
        else:
            top.append([group, 1, 1, True] if group else [header, 1, 1 + two, numeric])
    bottom = [(header, 1, 1, numeric) for group, header, numeric in headers if group]
    return [[tuple(head) for head in top]] + ([bottom] if bottom else [])


def _by_language(row: dict, name: str) -> dict:
    return {lang: row[f"{name}_{lang}"] for lang in LANGUAGES if row.get(f"{name}_{lang}")}


def from_rows(titles: list[dict], headers: list[dict]) -> tuple[Table, ...]:
    """The tables from the rows of release_table_titles and release_table_headers."""
    tables = []
    for row in sorted(titles, key=lambda row: int(row["table_position"])):
        columns = tuple(
            Column(key=column["column_name"], headers=_by_language(column, "header"),
                   kind=column["value_kind"], status=column["status_column_name"] or "",
                   source=column["source_column_name"] or "",
                   groups=_by_language(column, "header_group"))
            for column in sorted(headers, key=lambda column: int(column["column_position"]))
            if column["table_name"] == row["table_name"])
        matrix = MATRICES.get(row["table_name"])
        tables.append(Table(
            name=row["table_name"], columns=columns, sheets=_by_language(row, "sheet_name"),
            titles=_by_language(row, "title"), label=row["label_column_name"] or "",
            dynamic=row["is_dynamic"] in (True, "true"),
            matrix=Matrix(**matrix, corners=_by_language(row, "corner_label")) if matrix else None))
    return tuple(tables)


def relation(connection: duckdb.DuckDBPyConnection, name: str, **equal
             ) -> duckdb.DuckDBPyRelation:
    """marts.<name>: its rows whose columns equal the values given."""
    rows = connection.table(f"marts.{name}")
    for column, value in equal.items():
        rows = rows.filter(duckdb.ColumnExpression(column) == duckdb.ConstantExpression(value))
    return rows


def records(relation: duckdb.DuckDBPyRelation) -> list[dict]:
    return [dict(zip(relation.columns, row)) for row in relation.fetchall()]


def read_tables(connection: duckdb.DuckDBPyConnection) -> tuple[Table, ...]:
    """Every table of a release, in order (key_figures first), from the published marts."""
    return from_rows(records(connection.table("marts.release_table_titles")),
                     records(connection.table("marts.release_table_headers")))
