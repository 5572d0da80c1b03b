"""`kzmig export`: a release's folder (index.html, key_points.md, release.xlsx, CSV files,
release.json; or SDMX) from the release tables of the last publication, never partial."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import duckdb

from kzmig.export import page, texts, writers
from kzmig.export import tables as release_tables
from kzmig.export.formatting import period_label
from kzmig.project import PROJECT_DIR, KzmigError, naming_path
from kzmig.publish import describe, published_path, read_publication

DEFAULT_OUT_DIR = PROJECT_DIR / "release"
ALL_LANGUAGES = "all"  # --lang all: a folder per language
LATEST_EVALUATION = "latest"
SYNTHETIC_NOTE_FILE = "SYNTHETIC-DATA.txt"  # beside the CSV files of a synthetic release
# the tables read besides the release tables named by marts.release_table_titles
MARTS_READ = ("release_key_points", "release_list", "release_dynamic_years",
              "release_table_titles", "release_table_headers")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="write a release (web page, key points, workbook, CSV, release.json)",
        description="Write DIR/RELEASE_ID/ from the marts of the warehouse.")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--release", metavar="RELEASE_ID", type=release_argument,
                       help="the release to export, e.g. 2023-12-p")
    which.add_argument("--latest", action="store_true",
                       help="export the latest release the warehouse holds")
    which.add_argument("--list", action="store_true", help="list the releases the warehouse holds")
    parser.add_argument("--out", default=str(DEFAULT_OUT_DIR),
                        help="folder the release folder is written into (default: release/)")
    parser.add_argument("--format", choices=("release", "sdmx"), default="release",
                        help="release (default), or sdmx: SDMX-CSV 2.0 and its structure")
    parser.add_argument("--lang", choices=(*release_tables.LANGUAGES, ALL_LANGUAGES), default="en",
                        help=f"language: en, ru or kk (default: en); {ALL_LANGUAGES}: each, "
                             "into OUT/<lang>/")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--warehouse", default=None,
                        help="build file whose publication (<name>_marts.duckdb) is read")
    source.add_argument("--published", default=None,
                        help="the published marts file to read (default: see --warehouse)")
    parser.set_defaults(run=run)


def release_argument(text: str) -> str:
    """--release: a release of the calendar, or `latest` (the evaluation with everything known)."""
    return LATEST_EVALUATION if text.strip().lower() == LATEST_EVALUATION else text


def run(args: argparse.Namespace) -> int:
    warehouse = PublishedFile(published_path(args.warehouse) if args.warehouse else args.published) \
        if (args.warehouse or args.published) else None
    if args.list:
        print(f"{'release':<12} {'period':<26} {'vintage':<12} cut-off")
        for release in list_releases(warehouse):
            period = period_label(release["period_year"], release["period_end_month"], "en")
            print(f"{release['release_id']:<12} {period:<26} {release['vintage']:<12} "
                  f"{release['cutoff_at']}")
        return 0
    if args.format == "sdmx":
        export_sdmx(None if args.latest else args.release, Path(args.out), warehouse=warehouse)
        return 0
    targets = ([(lang, Path(args.out) / lang) for lang in release_tables.LANGUAGES]
               if args.lang == ALL_LANGUAGES else [(args.lang, Path(args.out))])
    for lang, out in targets:
        export_release(None if args.latest else args.release, out, lang=lang, warehouse=warehouse)
    return 0


class PublishedFile(os.PathLike):
    """A path known to be a published file (not a build file whose publication is read)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def __fspath__(self) -> str:
        return str(self.path)


def source_path(warehouse: Path | PublishedFile | None = None) -> Path:
    """The published file to read: `warehouse` when it is one, else its publication."""
    if warehouse is None:
        return published_path()
    if isinstance(warehouse, PublishedFile):
        return warehouse.path
    path = Path(warehouse)
    if path.name.endswith("_marts.duckdb") or path.parent.resolve() / path.name == published_path():
        return path
    return published_path(path)


def connect(warehouse: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the last publication read-only, or refuse when there is none."""
    path = source_path(warehouse)
    if not path.is_file():
        raise KzmigError(f"no published warehouse at {path}: no build has succeeded yet, so "
                         "there is nothing to export; build it (kzmig build, or kzmig run)")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise KzmigError(f"cannot open the published warehouse {path}: {error}") from error


def _rows(connection, name: str, release_id: str | None = None, order: str | None = None,
          **equal) -> list[dict]:
    """The rows of marts.<name> (of one release; columns equal to values), in order."""
    rows = release_tables.relation(
        connection, name, **({"release_id": release_id} if release_id else {}), **equal)
    return release_tables.records(rows.order(order) if order else rows)


def _require_marts(connection) -> tuple[release_tables.Table, ...]:
    """The release's tables (marts.release_table_titles), once every table read is there."""
    present = {".".join(row) for row in connection.table("information_schema.tables").select(
        "table_schema, table_name").fetchall()}
    absent = [f"marts.{name}" for name in MARTS_READ if f"marts.{name}" not in present]
    tables = () if absent else release_tables.read_tables(connection)
    absent += [table.relation for table in tables if table.relation not in present]
    if absent:
        raise KzmigError(f"the warehouse has no {', '.join(absent)}: it was built by an older "
                         "version; rebuild it (kzmig build)")
    return tables


def last_build(connection) -> dict:
    """The build the open publication came from (release.json's build; data_cutoff null:
    everything landed) and its description."""
    publication = read_publication(connection)
    return {"invocation_id": publication["invocation_id"], "command": publication["command"],
            "target": publication["target_name"], "started_at": publication["build_started_at"],
            "finished_at": publication["build_finished_at"], "status": "success",
            "data_cutoff": publication["data_cutoff"], "published_at": publication["published_at"],
            "description": describe(publication)}


def list_releases(warehouse: Path | None = None) -> list[dict]:
    """The releases the warehouse holds, oldest first (release_list.release_order)."""
    with connect(warehouse) as connection:
        _require_marts(connection)
        return _rows(connection, "release_list", order="release_order")


def latest_release_id(connection) -> str:
    rows = _rows(connection, "release_list", is_latest_release=True)
    if not rows:
        raise KzmigError("the warehouse holds no release (marts.release_list is empty)")
    return rows[0]["release_id"]


def _key_points(connection, release_id: str, lang: str) -> texts.KeyPoints:
    rows = _rows(connection, "release_key_points", release_id)
    release = _rows(connection, "release_list", release_id)
    if not rows or not release:
        known = [row["release_id"] for row in _rows(connection, "release_list", order="release_order")]
        raise KzmigError(f"unknown release {release_id!r}; the warehouse holds: "
                         + (", ".join(known) if known else "no release at all"))
    # the regions of the release's own year with a positive interregional net, largest first
    positive = [(row[f"region_name_{lang}"], row["interregional_net"]) for row in _rows(
        connection, "release_interregional_net_by_region", release_id,
        order="interregional_net desc, region_code", row_level="item")
        if row["interregional_net"] > 0]
    return texts.KeyPoints(**rows[0], positive_regions=tuple(positive),
                           is_synthetic=bool(release[0]["has_synthetic_data"]))


def _table_data(connection, table: release_tables.Table, lang: str, release_id: str
                ) -> writers.TableData:
    """The release table's rows in order (a label: `<name>_<lang>`; withheld: SUPPRESSED)."""
    rows = _rows(connection, table.relation.removeprefix("marts."), release_id, order="row_order")
    if table.matrix is None:
        return writers.TableData(table=table, rows=[_shown_row(table, row, lang) for row in rows],
                                 levels=[row["row_level"] for row in rows])
    # the axis: every region of the release's own year, as the region table lists them
    axis = [(row["region_code"], row[f"region_name_{lang}"]) for row in _rows(
        connection, "release_migration_by_region", release_id, order="row_order", row_level="item")]
    m = table.matrix
    value = {(row[m.row_key] if row["row_level"] == "item" else None,
              row[m.column_key] if row["column_level"] == "item" else None): row[m.value]
             for row in rows}
    total = next((row[f"{m.row_label}_{lang}"] for row in rows if row["row_level"] == "total"), "")
    grid = [("total", None, total, [value.get((None, None), 0), *(
        value.get((None, code), 0) for code, _ in axis)])] + [
        ("item", origin, name, [value.get((origin, None), 0), *(
            None if origin == code else value.get((origin, code), 0) for code, _ in axis)])
        for origin, name in axis]
    cells = [row for row in rows if row["row_level"] == row["column_level"] == "item"]
    return writers.TableData(table=table, rows=[_shown_row(table, row, lang) for row in cells],
                             levels=["item"] * len(cells),
                             grid=([total, *(name for _, name in axis)], grid))


def _shown_row(table: release_tables.Table, row: dict, lang: str) -> tuple:
    values = []
    for column in table.columns:
        name = column.source or column.key
        value = row[name] if name in row else row[f"{name}_{lang}"]
        values.append(release_tables.SUPPRESSED if column.status and row[column.status] != "F"
                      else value)
    return tuple(values)


def export_latest(out_dir: Path, lang: str = "en", warehouse: Path | None = None,
                  quiet: bool = False) -> Path:
    """Export the latest release (release_list.is_latest_release); return its folder."""
    return export_release(None, out_dir, lang, warehouse, quiet)


def export_release(release_id: str | None, out_dir: Path, lang: str = "en",
                   warehouse: Path | None = None, quiet: bool = False) -> Path:
    """Write out_dir/release_id/ (None: the latest, chosen and read on one connection)."""
    if lang not in release_tables.LANGUAGES:
        raise KzmigError(f"unknown language {lang!r}; choose one of {', '.join(release_tables.LANGUAGES)}")
    with connect(warehouse) as connection:
        tables = _require_marts(connection)
        build = last_build(connection)
        release_id = release_id or latest_release_id(connection)
        points = _key_points(connection, release_id, lang)
        data = [_table_data(connection, table, lang, release_id) for table in tables]
        years = _rows(connection, "release_dynamic_years", release_id, order="year")
    target = _write_atomically(Path(out_dir), release_id, lambda folder: _write_release(
        folder, points, data, years, build, lang))
    if not quiet:
        _report(points, build, target, f"({period_label(points.period_year, points.period_end_month, 'en')}, "
                                       f"{points.vintage})")
    return target


def _report(points: texts.KeyPoints, build: dict, target: Path, what: str) -> None:
    if points.is_synthetic:
        print(f"kzmig: SYNTHETIC DATA — not official statistics. {texts.synthetic_note('en')} "
              f"Every file of release {points.release_id} says so (see {SYNTHETIC_NOTE_FILE}).",
              flush=True)
    print(f"kzmig: exported release {points.release_id} {what} into {target}", flush=True)
    print(f"kzmig:   from the publication of {build['description']}", flush=True)
    for path in sorted(target.iterdir()):
        print(f"kzmig:   {path}", flush=True)


def export_sdmx(release_id: str | None, out_dir: Path, warehouse: Path | None = None,
                quiet: bool = False) -> Path:
    """Write out_dir/RELEASE_ID-sdmx/ (kzmig.export.sdmx) for the release (None: the latest)."""
    from kzmig.export import sdmx as release_sdmx

    with connect(warehouse) as connection:
        _require_marts(connection)
        build = last_build(connection)
        release_id = release_id or latest_release_id(connection)
        points = _key_points(connection, release_id, "en")
        structures, dataset = release_sdmx.build(connection, release_id)

    def write(folder: Path) -> None:
        _mark_synthetic(folder, points)
        release_sdmx.write(folder, structures, dataset)

    target = _write_atomically(Path(out_dir), f"{release_id}-sdmx", write)
    if not quiet:
        _report(points, build, target, f"as SDMX-CSV 2.0 ({len(dataset.obs)} observations)")
    return target


def _mark_synthetic(folder: Path, points: texts.KeyPoints) -> None:
    """A synthetic release's SYNTHETIC-DATA.txt (the CSVs stay plain): the banner and its note
    in every language."""
    if points.is_synthetic:
        lines = [f"Release {points.release_id}: SYNTHETIC DATA", ""]
        for lang in texts.SYNTHETIC_BANNERS:
            lines += [texts.synthetic_banner(lang), texts.synthetic_note(lang), ""]
        lines.append(texts.words("en")["release_json"]["synthetic_note_file"])
        (folder / SYNTHETIC_NOTE_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_release(folder: Path, points: texts.KeyPoints, data: list[writers.TableData],
                   years: list[dict], build: dict, lang: str) -> None:
    period = period_label(points.period_year, points.period_end_month, lang)
    _mark_synthetic(folder, points)
    (folder / "key_points.md").write_text(
        texts.key_points_markdown(points, lang, build["finished_at"]), encoding="utf-8")
    for item in data:
        writers.write_csv(folder / f"{item.table.name}.csv", item)
    about = [(page.labels(lang)["about"], None),
             *page.about_rows(points, period, build["finished_at"], years, lang)]
    glossary = texts.GLOSSARY[lang]
    writers.write_workbook(folder / "release.xlsx", data, lang, f"{period} ({points.release_id})",
                           (texts.words(lang)["sheet"], about, glossary),
                           banner=texts.synthetic_banner(lang) if points.is_synthetic else None)
    (folder / page.PAGE_NAME).write_text(page.page_html(
        lang=lang, points=points, data=data, period=period, built=build["finished_at"],
        years=years, glossary=glossary, synthetic=points.is_synthetic), encoding="utf-8")
    writers.write_json(folder / "release.json", _release_document(points, data, years, build, lang))


def _release_document(points: texts.KeyPoints, data: list[writers.TableData], years: list[dict],
                      build: dict, lang: str) -> dict:
    period_en = period_label(points.period_year, points.period_end_month, "en")
    return {
        "synthetic": points.is_synthetic,
        **({"synthetic_notice": f"{texts.synthetic_banner('en')} {texts.synthetic_note('en')}",
            "synthetic_note_file": SYNTHETIC_NOTE_FILE} if points.is_synthetic else {}),
        "release_id": points.release_id, "period_year": points.period_year,
        "period_end_month": points.period_end_month, "period": period_en,
        "vintage": points.vintage, "cutoff_at": points.cutoff_at,
        "comparison_release_id": points.comparison_release_id, "language": lang,
        "build": {key: value for key, value in build.items() if key != "description"},
        "exported_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0),
        "files": {"key_points": "key_points.md", "workbook": "release.xlsx", "page": page.PAGE_NAME},
        "csv_encoding": writers.CSV_ENCODING,
        "row_level": texts.words("en")["release_json"]["row_level"],
        "dynamic_tables": {
            "description": texts.words("en")["release_json"]["dynamic_tables"],
            "years": [{key: year[key] for key in ("year", "source_release_id", "source_vintage",
                                                  "source_cutoff_at", "months_covered")}
                      for year in years],
        },
        "tables": [
            {"name": item.table.name, "title": item.table.title("en", period_en),
             "csv": f"{item.table.name}.csv", "sheet": item.table.sheet(lang),
             "rows": len(item.rows),
             # a release table, or a dynamic table (by year or month; see dynamic_tables)
             "kind": "dynamic" if item.table.dynamic else "release",
             "columns": ["row_level", *(column.key for column in item.table.columns)]}
            for item in data
        ],
    }


def _write_atomically(out_dir: Path, name: str, write) -> Path:
    """write() fills a temporary folder beside out_dir/name, then renamed into place."""
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
