"""`kzmig export`: a release as its readers get it.

    kzmig export --release 2023-12-p [--out DIR] [--lang en|ru|kk] [--warehouse FILE | --published FILE]
    kzmig export --latest [--out DIR] [--lang en|ru|kk]
    kzmig export --list
    kzmig export --release 2023-12-p --format sdmx [--out DIR]    (kzmig.export.sdmx)

writes DIR/RELEASE_ID/: index.html (the release web page, kzmig.export.page), key_points.md,
release.xlsx (one sheet per table plus the glossary and notes), one CSV per table and
release.json (release id, vintage, cut-off, the build the figures came from, the row count
of each table). The page, the key points and the workbook are in the language --lang:
English, Russian or Kazakh, the same figures in each; the CSV files and release.json are
the same in every language (apart from the names in the CSV and the language and sheet
names in release.json).

The synthetic mark: when marts.dim_release says the release's figures come from the
synthetic world (has_synthetic_data; read into KeyPoints.is_synthetic), every output says
so: the first line of key_points.md (texts.synthetic_banner and texts.synthetic_note, in
the release's language), the banner of index.html (kzmig.export.page), a red banner as the
first row of every sheet of release.xlsx, `"synthetic": true` and a notice in release.json, SYNTHETIC-DATA.txt beside the CSV files
(which stay plain for machines), and a console line. A real release carries none of these
(release.json says `"synthetic": false`).

The numbers come from SQL: the script reads the marts schema of the last publication
of the DuckDB warehouse (the published file, kzmig.publish: written only after a
successful dbt build, never the build file, which a running build may hold) and only
shapes and writes what it reads (it rounds percentages for display in the key points,
nothing else). Every table of the release is its release table, read by name
(marts.release_<table>, models/release: rows, order, totals, labels and protection status
computed in SQL); the key points are marts.release_key_points. The export reads the
release's rows. Every table is as of the release's cut-off: the release's own
tables (the rows of its own period), and its dynamic tables by year and by month (the
release's own year from the release, each earlier year from the latest December release
of that year out by the release's cut-off; release.json lists which). The one table
outside the marts that it reads is the publication record meta.publication: it names the
build the marts came from, in release.json and on the console. A build that failed after that
publication does not matter: its marts were never published.

It refuses, with an error and exit code 1, when there is no published file (no build
has succeeded yet), and when the release id is unknown (listing the
known ones). It writes into a temporary folder beside the target and renames it into
place, so a release folder is never partial; an existing one is replaced whole.

The latest release is the one with the greatest (period_year, period_end_month), a
revised release before a preliminary one of the same period.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import duckdb

from kzmig.export import tables as release_tables
from kzmig.export import page, texts, writers
from kzmig.export.formatting import in_language, period_label
from kzmig.project import PROJECT_DIR, KzmigError, naming_path
from kzmig.publish import describe, published_path, read_publication

DEFAULT_OUT_DIR = PROJECT_DIR / "release"
ALL_LANGUAGES = "all"  # --lang all: the release in every language, a folder each

KEY_POINTS_COLUMNS = (
    "release_id", "period_year", "period_end_month", "vintage", "cutoff_at",
    "arrivals", "departures", "net_migration",
    "arrivals_change_pct", "departures_change_pct",
    "cis_arrivals_share_pct", "cis_departures_share_pct",
    "internal_migrants", "internal_migrants_change_pct",
    "regions_with_positive_interregional_net", "comparison_release_id", "comparison_period_year",
)

# Beside the CSV files of a synthetic release (a CSV reader opens the folder and sees it).
SYNTHETIC_NOTE_FILE = "SYNTHETIC-DATA.txt"

LATEST_ORDER = ("period_year desc, period_end_month desc, "
                "case when vintage = 'revised' then 0 else 1 end, cutoff_at desc, release_id desc")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="write a release (web page, key points, workbook, CSV, release.json) from "
                       "the marts",
        description="Write DIR/RELEASE_ID/ with index.html, key_points.md, release.xlsx, one CSV "
                    "per table and release.json, from the marts of the warehouse.")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--release", metavar="RELEASE_ID", type=release_argument,
                       help="the release to export, e.g. 2023-12-p")
    which.add_argument("--latest", action="store_true",
                       help="export the latest release the warehouse holds (greatest period; "
                            "revised before preliminary)")
    which.add_argument("--list", action="store_true", help="list the releases the warehouse holds")
    parser.add_argument("--out", default=str(DEFAULT_OUT_DIR),
                        help="folder the release folder is written into (default: release/)")
    parser.add_argument("--format", choices=("release", "sdmx"), default="release",
                        help="release: the release folder (web page, key points, workbook, "
                             "CSV, release.json; the default); sdmx: the main tables as "
                             "SDMX-CSV 2.0 with their SDMX-ML data structure, into "
                             "DIR/RELEASE_ID-sdmx/")
    parser.add_argument("--lang", choices=(*release_tables.LANGUAGES, ALL_LANGUAGES), default="en",
                        help="language of the web page, the key points and the workbook: "
                             "en (English), ru (Russian) or kk (Kazakh) (default: en); "
                             f"{ALL_LANGUAGES}: each of them, into OUT/en/, OUT/ru/ and OUT/kk/")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--warehouse", default=None,
                        help="DuckDB warehouse (build) file whose publication is read: the "
                             "file beside it named <name>_marts.duckdb (default: "
                             "$KZMIG_PUBLISHED_PATH, or the publication of $DBT_DUCKDB_PATH or "
                             "warehouse/kz_migration.duckdb)")
    source.add_argument("--published", default=None,
                        help="the published marts file to read (default: see --warehouse)")
    parser.set_defaults(run=run)


LATEST_EVALUATION = "latest"


def release_argument(text: str) -> str:
    """--release: a release of the calendar, or `latest` (the evaluation with everything
    known: its period and cut-off are SQL, marts.dim_release, doc block latest_period_rule)."""
    return LATEST_EVALUATION if text.strip().lower() == LATEST_EVALUATION else text


def run(args: argparse.Namespace) -> int:
    warehouse = PublishedFile(published_path(args.warehouse) if args.warehouse else args.published) \
        if (args.warehouse or args.published) else None
    if args.list:
        releases = list_releases(warehouse)
        print(f"{'release':<12} {'period':<26} {'vintage':<12} cut-off")
        for release in releases:
            period = period_label(release["period_year"], release["period_end_month"], "en")
            print(f"{release['release_id']:<12} {period:<26} {release['vintage']:<12} "
                  f"{release['cutoff_at']}")
        return 0
    if args.format == "sdmx":
        export_sdmx(None if args.latest else args.release, Path(args.out), warehouse=warehouse)
        return 0
    # one language into OUT, or every language into a folder of its own (OUT/en, OUT/ru, …)
    targets = ([(lang, Path(args.out) / lang) for lang in release_tables.LANGUAGES]
               if args.lang == ALL_LANGUAGES else [(args.lang, Path(args.out))])
    for lang, out in targets:
        if args.latest:
            export_latest(out, lang=lang, warehouse=warehouse)
        else:
            export_release(args.release, out, lang=lang, warehouse=warehouse)
    return 0


# --- reading the warehouse ---------------------------------------------------------------

class PublishedFile(os.PathLike):
    """A path known to be a published file (not a build file whose publication is read)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def __fspath__(self) -> str:
        return str(self.path)


def source_path(warehouse: Path | PublishedFile | None = None) -> Path:
    """The published file to read: `warehouse` when it is one (a PublishedFile, named
    *_marts.duckdb, or the configured KZMIG_PUBLISHED_PATH), else the publication beside
    the build file `warehouse`; by default kzmig.publish.published_path()."""
    if warehouse is None:
        return published_path()
    if isinstance(warehouse, PublishedFile):
        return warehouse.path
    path = Path(warehouse)
    if path.name.endswith("_marts.duckdb") or path.parent.resolve() / path.name == published_path():
        return path
    return published_path(path)


def connect(warehouse: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the last publication read-only, or refuse when there is none.

    warehouse: the published file, or a build file whose publication is read."""
    path = source_path(warehouse)
    if not path.is_file():
        raise KzmigError(f"no published warehouse at {path}: no build has succeeded yet, so "
                         "there is nothing to export; build it (kzmig build, or kzmig run)")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise KzmigError(f"cannot open the published warehouse {path}: {error}") from error


def _records(connection, sql: str, parameters: dict | list | None = None) -> list[dict]:
    cursor = connection.execute(sql, parameters or [])
    names = [description[0] for description in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _has_table(connection, schema: str, name: str) -> bool:
    return bool(connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name]).fetchone()[0])


def last_build(connection) -> dict:
    """The build the open publication came from (always a successful dbt build), in the
    keys of the build log, plus published_at."""
    publication = read_publication(connection)
    return {
        "invocation_id": publication["invocation_id"],
        "command": publication["command"],
        "target_name": publication["target_name"],
        "started_at": publication["build_started_at"],
        "finished_at": publication["build_finished_at"],
        "status": "success",
        "failed_count": 0,
        "data_cutoff": publication["data_cutoff"],
        "published_at": publication["published_at"],
        "description": describe(publication),
    }


# The tables the export reads besides release_key_points: the release tables
# (kzmig.export.tables) and below.
MARTS_READ = (
    *(f"release_{table.name}" for table in release_tables.TABLES),
    "migration_annual", "migration_by_region_annual", "dim_release",
)


def _require_marts(connection) -> None:
    if not _has_table(connection, "marts", "release_key_points"):
        raise KzmigError("the warehouse has no marts.release_key_points: build it first (kzmig build)")
    missing = [name for name in MARTS_READ if not _has_table(connection, "marts", name)]
    if not missing and not connection.execute(
            "select count(*) from information_schema.columns where table_schema = 'marts' "
            "and table_name = 'dim_release' and column_name = 'has_synthetic_data'").fetchone()[0]:
        missing = ["dim_release.has_synthetic_data"]
    if missing:
        raise KzmigError("the warehouse has no " + ", ".join(f"marts.{name}" for name in missing)
                         + ": it was built by an older version; rebuild it (kzmig build)")


def list_releases(warehouse: Path | None = None) -> list[dict]:
    """The releases the warehouse holds, oldest first."""
    with connect(warehouse) as connection:
        _require_marts(connection)
        return _records(connection, """
            select release_id, period_year, period_end_month, vintage, cutoff_at
            from marts.release_key_points
            order by period_year, period_end_month, cutoff_at, release_id""")


def latest_release_id(connection) -> str:
    rows = connection.execute(
        f"select release_id from marts.release_key_points where vintage != '{LATEST_EVALUATION}' "
        f"order by {LATEST_ORDER} limit 1").fetchall()
    if not rows:
        raise KzmigError("the warehouse holds no release (marts.release_key_points is empty)")
    return rows[0][0]


def _key_points(connection, release_id: str, lang: str) -> texts.KeyPoints:
    rows = _records(connection, f"""
        select {', '.join(KEY_POINTS_COLUMNS)}
        from marts.release_key_points
        where release_id = ?""", [release_id])
    if not rows:
        known = [row[0] for row in connection.execute(
            "select release_id from marts.release_key_points "
            "order by period_year, period_end_month, cutoff_at, release_id").fetchall()]
        raise KzmigError(f"unknown release {release_id!r}; the warehouse holds: "
                         + (", ".join(known) if known else "no release at all"))
    point = rows[0]
    # the regions of the release's own year (its own figures, not an earlier release's)
    positive = connection.execute(f"""
        select region_name_{lang}, interregional_net
        from marts.migration_by_region_annual
        where release_id = ? and source_release_id = release_id and year = ? and interregional_net > 0
        order by interregional_net desc, region_code""", [release_id, point["period_year"]]).fetchall()
    # the synthetic mark: the release's figures come from the synthetic world
    synthetic = connection.execute(
        "select has_synthetic_data from marts.dim_release where release_id = ?", [release_id]).fetchone()
    return texts.KeyPoints(**point,
                           positive_regions=tuple((name, net) for name, net in positive),
                           is_synthetic=bool(synthetic and synthetic[0]))


def _dynamic_years(connection, release_id: str) -> list[dict]:
    """The years of the release's dynamic tables and the release each one's figures come
    from (its own year: the release itself), oldest first."""
    return _records(connection, """
        select
            dynamic.year, dynamic.source_release_id, dynamic.months_covered,
            source.vintage as source_vintage, source.cutoff_at as source_cutoff_at
        from marts.migration_annual as dynamic
        inner join marts.release_key_points as source
            on dynamic.source_release_id = source.release_id
        where dynamic.release_id = ? and dynamic.year <= source.period_year
        order by dynamic.year""", [release_id])


def _table_data(connection, table: release_tables.Table, lang: str, release: texts.KeyPoints
                ) -> writers.TableData:
    """The rows of the release table `table` shows, in its order: each column from the
    release table's column of that name, or its label in `lang` (`<name>_<lang>`); a
    withheld count (its status not F) as SUPPRESSED."""
    rows = _records(connection, f"select * from {table.relation} where release_id = ? "
                                "order by row_order", [release.release_id])
    if table.matrix is not None:
        # the axis: every region of the release's own year, as the region table lists them
        regions = _records(connection, "select * from marts.release_migration_by_region "
                                       "where release_id = ? order by row_order",
                           [release.release_id])
        axis = [(row["region_code"], row[f"region_name_{lang}"]) for row in regions
                if row["row_level"] == "item"]
        return _matrix_data(table, rows, axis, lang)
    return writers.TableData(table=table, rows=[_shown_row(table, row, lang) for row in rows],
                             levels=[row["row_level"] for row in rows])


def _shown_row(table: release_tables.Table, row: dict, lang: str) -> tuple:
    values = []
    for column in table.columns:
        name = column.source or column.key
        value = row[name] if name in row else row[f"{name}_{lang}"]
        if column.status and row[column.status] != "F":
            value = release_tables.SUPPRESSED
        elif isinstance(value, dt.date):  # a population date, shown as ISO text
            value = value.isoformat()
        values.append(value)
    return tuple(values)


def _matrix_data(table: release_tables.Table, rows: list[dict], axis: list[tuple[str, str]],
                 lang: str) -> writers.TableData:
    """The cells of an origin–destination matrix and its margins (the release table's
    total row and total column) along `axis` ((code, name) of every region)."""
    matrix = table.matrix
    cells = [row for row in rows if row["row_level"] == row["column_level"] == "item"]
    departures = {row[matrix.row_key]: row[matrix.value] for row in rows
                  if row["row_level"] == "item" and row["column_level"] == "total"}
    arrivals = {row[matrix.column_key]: row[matrix.value] for row in rows
                if row["row_level"] == "total" and row["column_level"] == "item"}
    grand = next((row for row in rows if row["row_level"] == row["column_level"] == "total"), None)
    totals = writers.MatrixTotals(
        label=grand[f"{matrix.row_label}_{lang}"] if grand else "",
        rows=[departures.get(code, 0) for code, _ in axis],
        columns=[arrivals.get(code, 0) for code, _ in axis],
        grand=grand[matrix.value] if grand else 0)
    return writers.TableData(table=table, rows=[_shown_row(table, row, lang) for row in cells],
                             levels=["item"] * len(cells), axis=axis, axis_totals=totals)


# --- writing the release folder ----------------------------------------------------------

def export_release(release_id: str, out_dir: Path, lang: str = "en",
                   warehouse: Path | None = None, quiet: bool = False) -> Path:
    """Write out_dir/release_id/ from the published marts; return that folder.

    The release is marked synthetic in every file when marts.dim_release says so
    (KeyPoints.is_synthetic): the warehouse is the one place that knows."""
    return _export(release_id, out_dir, lang, warehouse, quiet)


def export_latest(out_dir: Path, lang: str = "en", warehouse: Path | None = None,
                  quiet: bool = False) -> Path:
    """Export the latest release the publication holds (greatest period_year, then
    period_end_month; revised before preliminary); return its folder. The release is
    chosen and read on one connection: a publication that replaces the file meanwhile
    does not mix in."""
    return _export(None, out_dir, lang, warehouse, quiet)


def _export(release_id: str | None, out_dir: Path, lang: str, warehouse: Path | None,
            quiet: bool) -> Path:
    if lang not in release_tables.LANGUAGES:
        raise KzmigError(f"unknown language {lang!r}; choose one of {', '.join(release_tables.LANGUAGES)}")
    with connect(warehouse) as connection:
        _require_marts(connection)
        build = last_build(connection)
        if release_id is None:
            release_id = latest_release_id(connection)
        points = _key_points(connection, release_id, lang)
        data = [_table_data(connection, table, lang, points) for table in release_tables.TABLES]
        years = _dynamic_years(connection, release_id)
    target = _write_atomically(Path(out_dir), release_id,
                               lambda folder: _write_release(folder, points, data, years, build,
                                                             lang))
    if not quiet:
        if points.is_synthetic:
            print(f"kzmig: SYNTHETIC DATA — not official statistics. {texts.synthetic_note('en')} "
                  f"Every file of release {release_id} says so (see {SYNTHETIC_NOTE_FILE}).", flush=True)
        print(f"kzmig: exported release {release_id} "
              f"({period_label(points.period_year, points.period_end_month, 'en')}, {points.vintage}) "
              f"into {target}", flush=True)
        print(f"kzmig:   from the publication of {build['description']}", flush=True)
        for path in sorted(target.iterdir()):
            print(f"kzmig:   {path}", flush=True)
    return target


def export_sdmx(release_id: str | None, out_dir: Path, warehouse: Path | None = None,
                quiet: bool = False) -> Path:
    """Write out_dir/RELEASE_ID-sdmx/ (kzmig.export.sdmx: SDMX-CSV 2.0 and its structure,
    read back and checked with sdmx1) for the release (None: the latest); return it."""
    from kzmig.export import sdmx as release_sdmx

    with connect(warehouse) as connection:
        _require_marts(connection)
        build = last_build(connection)
        if release_id is None:
            release_id = latest_release_id(connection)
        points = _key_points(connection, release_id, "en")
        built = release_sdmx.build(connection, release_id, points.period_year,
                                   points.period_end_month)

    def write(folder: Path) -> None:
        if points.is_synthetic:
            (folder / SYNTHETIC_NOTE_FILE).write_text(synthetic_note_text(release_id),
                                                      encoding="utf-8")
        release_sdmx.write(folder, built)

    target = _write_atomically(Path(out_dir), f"{release_id}-sdmx", write)
    if not quiet:
        if points.is_synthetic:
            print(f"kzmig: SYNTHETIC DATA — not official statistics. {texts.synthetic_note('en')} "
                  f"(see {SYNTHETIC_NOTE_FILE}).", flush=True)
        print(f"kzmig: exported release {release_id} as SDMX-CSV 2.0 "
              f"({len(built.dataset.obs)} observations) into {target}", flush=True)
        print(f"kzmig:   from the publication of {build['description']}", flush=True)
        for path in sorted(target.iterdir()):
            print(f"kzmig:   {path}", flush=True)
    return target


def synthetic_note_text(release_id: str) -> str:
    """The text of SYNTHETIC-DATA.txt: the banner and its note in every language."""
    lines = [f"Release {release_id}: SYNTHETIC DATA", ""]
    for lang in texts.SYNTHETIC_BANNERS:
        lines += [texts.synthetic_banner(lang), texts.synthetic_note(lang), ""]
    lines.append("Every file of this folder holds these figures: the CSV files (kept plain for "
                 "machines, so they carry no banner), release.xlsx (a banner on every sheet), "
                 "key_points.md (its first line) and release.json (\"synthetic\": true).")
    return "\n".join(lines) + "\n"


def _write_release(folder: Path, points: texts.KeyPoints, data: list[writers.TableData],
                   years: list[dict], build: dict, lang: str) -> None:
    period = period_label(points.period_year, points.period_end_month, lang)
    built = f"{build['finished_at']:%Y-%m-%d %H:%M:%S}"
    if points.is_synthetic:
        # the CSVs stay machine-readable: the mark beside them, first in the folder's listing
        (folder / SYNTHETIC_NOTE_FILE).write_text(synthetic_note_text(points.release_id),
                                                  encoding="utf-8")
    key_points = texts.key_points_markdown(points, lang, built)
    (folder / "key_points.md").write_text(key_points, encoding="utf-8")
    for item in data:
        writers.write_csv(folder / f"{item.table.name}.csv", item)
    about_labels = in_language({
        "en": ("About this release", "Release", "Period", "Vintage", "Cut-off of the data",
               "Built (UTC)", "Glossary and notes", "Dynamic tables: years from releases",
               "months"),
        "ru": ("О выпуске", "Выпуск", "Период", "Редакция", "Дата среза данных",
               "Сборка (UTC)", "Глоссарий и пояснения", "Динамические таблицы: годы по выпускам",
               "мес."),
        "kk": ("Шығарылым туралы", "Шығарылым", "Кезең", "Редакция",
               "Деректерді қабылдау аяқталған күн", "Құрастырылды (UTC)",
               "Глоссарий және түсініктемелер", "Динамикалық кестелер: жылдар шығарылымдар бойынша",
               "ай"),
    }, lang, "labels of the glossary and notes sheet")
    # e.g. "2021: 2021-12-p; 2022: 2022-12-r; 2023: 2023-09-p (9 months)"
    sources = "; ".join(
        f"{year['year']}: {year['source_release_id']}"
        + ("" if year["months_covered"] == 12 else f" ({year['months_covered']} {about_labels[8]})")
        for year in years)
    about = [
        (about_labels[0], None),
        (about_labels[1], points.release_id),
        (about_labels[2], period),
        (about_labels[3], texts.vintage_name(points.vintage, lang)),
        (about_labels[4], f"{points.cutoff_at}"),
        (about_labels[5], built),
        (about_labels[7], sources),
    ]
    glossary = in_language(texts.GLOSSARY, lang, "glossary and notes")
    writers.write_workbook(folder / "release.xlsx", data, lang,
                           f"{period} ({points.release_id})",
                           (about_labels[6], about, glossary),
                           banner=texts.synthetic_banner(lang) if points.is_synthetic else None)
    # the page shows the key points without their banner line: it has its own banner
    page.write_page(folder / page.PAGE_NAME, lang=lang, points=points,
                    key_points_markdown=texts.key_points_markdown(points, lang, built,
                                                                  with_banner=False),
                    data=data, period=period, built=build["finished_at"], years=years,
                    glossary=glossary, synthetic=points.is_synthetic)
    document = {
        # the synthetic mark first: true when the figures come from the synthetic world
        "synthetic": points.is_synthetic,
        **({"synthetic_notice": f"{texts.synthetic_banner('en')} {texts.synthetic_note('en')}",
            "synthetic_note_file": SYNTHETIC_NOTE_FILE} if points.is_synthetic else {}),
        "release_id": points.release_id,
        "period_year": points.period_year,
        "period_end_month": points.period_end_month,
        "period": period_label(points.period_year, points.period_end_month, "en"),
        "vintage": points.vintage,
        "cutoff_at": points.cutoff_at,
        "comparison_release_id": points.comparison_release_id,
        "language": lang,
        "build": {
            "invocation_id": build["invocation_id"],
            "command": build["command"],
            "target": build["target_name"],
            "started_at": build["started_at"],
            "finished_at": build["finished_at"],
            "status": build["status"],
            # the cut-off of the build (null: everything landed): it limits which releases
            # the build computes; every table of this release is as of the releases'
            # own cut-offs (cutoff_at, and dynamic_tables below)
            "data_cutoff": build["data_cutoff"],
            # when these marts were published (replaced the previous ones), UTC
            "published_at": build["published_at"],
        },
        "exported_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0),
        "files": {
            "key_points": "key_points.md",
            "workbook": "release.xlsx",
            "page": page.PAGE_NAME,
        },
        "csv_encoding": writers.CSV_ENCODING,
        "row_level": (
            "The first column of every CSV: 'item' for a row of the marts, 'total' for the "
            "sum of the items of its table (of its year, or month, in a dynamic table: the "
            "Republic of Kazakhstan above the regions, the total of the countries, the 100 % "
            "row of the ethnic structure), 'subtotal' for the sum of the items that follow it "
            "(the CIS countries, the other countries)."),
        "dynamic_tables": {
            "description": (
                "The tables by year and by month, as of this release's cut-off: the release's "
                "own year holds the release's figures (January to the end of its period); each "
                "earlier year holds the figures of the latest December release of that year "
                "whose cut-off is at or before this release's (the revised release once out, "
                "else the preliminary one). A year with no such release is absent. The tables "
                "by year show the release's own year only when its period is the whole year."),
            "years": [
                {"year": year["year"], "source_release_id": year["source_release_id"],
                 "source_vintage": year["source_vintage"],
                 "source_cutoff_at": year["source_cutoff_at"],
                 "months_covered": year["months_covered"]}
                for year in years
            ],
        },
        "tables": [
            {
                "name": item.table.name,
                "title": item.table.title("en", period_label(points.period_year,
                                                             points.period_end_month, "en")),
                "csv": f"{item.table.name}.csv",
                "sheet": item.table.sheet(lang),
                "rows": len(item.rows),
                # a release table, or a dynamic table (by year or month; see dynamic_tables)
                "kind": "dynamic" if item.table.dynamic else "release",
                "columns": ["row_level", *(column.key for column in item.table.columns)],
            }
            for item in data
        ],
    }
    writers.write_json(folder / "release.json", document)


def _write_atomically(out_dir: Path, name: str, write) -> Path:
    """Let write() fill a temporary folder beside out_dir/name, then rename it into place.

    An existing out_dir/name is first renamed away and removed only once the new one is
    in place (and put back if the rename fails): at no moment is there a partial folder
    under the final name, and a failure leaves no temporary folder behind.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / name
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=out_dir))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)  # mkdtemp makes it private; a release is not
        with naming_path(target):  # a full disk names the release folder
            write(staging)
        previous = None
        if target.exists():
            previous = out_dir / f".{name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(target, previous)
        try:
            os.replace(staging, target)
        except BaseException:
            if previous is not None:
                os.replace(previous, target)
            raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
    return target
