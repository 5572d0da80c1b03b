"""The published marts: the read-only copy of schema `marts` that analysts, BI tools and
`kzmig export` open, replaced whole only after a successful `dbt build`.

DuckDB. The build writes the warehouse file (DBT_DUCKDB_PATH, default
warehouse/kz_migration.duckdb); nobody but the build should open it while it runs. When a
`dbt build` succeeds (every node, tests included), the project's on-run-end hook
(macros/publish/publish_marts.sql) writes a new file, copies every table of `marts` into
it plus the publication record `meta.publication`, detaches it, and publishes it through
the dbt-duckdb plugin kzmig/dbt_plugin.py (finish_publication below). A failed build
publishes nothing, so the last good publication stays; nor does a
build that kzmig was told to stop before the link is swapped (kzmig.process.commit_publication).

Each publication is a file of its own, in a folder of its own, and the published name is
a symbolic link to the current one, swapped atomically:

    warehouse/kz_migration_marts.duckdb -> kz_migration_marts.publications/
                                           20261206T181500123456Z-<invocation id>/kz_migration_marts.duckdb

DuckDB's Python client keeps one database instance per process and file, and a new
connection to a file the process already has open reuses that instance. It keys its
cache by the resolved path (symbolic links followed), so in a process that holds a
connection (a notebook, a BI server's connection pool) a new connection to the published
name opens the new publication, while the connections it holds keep reading theirs.
With one file renamed onto the published name, a new connection in such a process kept
the old instance until every connection in it closed. Every publication file has the
published name's file name, so DuckDB's catalog name (the file name without `.duckdb`,
e.g. `kz_migration_marts`) stays the same from one publication to the next.

Old publications are removed by the next publications: every one but the current and
the previous (a reader that resolved the link just before a swap still finds its file),
and never one that a reader holds open (DuckDB holds a shared lock on a file it opened,
read-only included; seen here with an open-file-description lock probe on Linux; where
there is none, the file is removed and, on POSIX systems, stays readable for whoever
holds it). A reader that held an old publication lets go of it, and the next publication
removes it.

The published name is KZMIG_PUBLISHED_PATH, default the build file's name with `_marts`
before `.duckdb`, beside it (warehouse/kz_migration_marts.duckdb). Files are written in
DuckDB's storage format v1.1.0, so DuckDB 1.1 and later open them.

PostgreSQL: see macros/publish/publish_marts.sql and docs/postgres.md.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import struct
from pathlib import Path

try:
    import fcntl
except ImportError:  # not a POSIX system: no lock probe (see _held_by_a_reader)
    fcntl = None

from kzmig.process import PublicationRefused, commit_publication
from kzmig.project import KzmigError, warehouse_path

PUBLISHED_PATH_VARIABLE = "KZMIG_PUBLISHED_PATH"
PUBLISHED_SUFFIX = "_marts"
# DuckDB 1.1 and later read files written with this storage version.
STORAGE_VERSION = "v1.1.0"
TEMPORARY_INFIX = ".tmp-"
# The folder of the publications beside the published name: <stem>.publications/
PUBLICATIONS_SUFFIX = ".publications"


def _absolute(path: str | os.PathLike) -> Path:
    """`path` made absolute with its folder resolved, its own name kept: the published
    name is a symbolic link, never followed here."""
    path = Path(path)
    return path.parent.resolve() / path.name


def published_path_for(build_path: str | os.PathLike, configured: str | None = None) -> Path:
    """The published file of a build file: `configured` when given, else beside the build
    file, `<name>_marts.duckdb`."""
    if configured:
        return _absolute(configured)
    build = Path(build_path).resolve()
    stem = build.name[:-len(".duckdb")] if build.name.endswith(".duckdb") else build.name
    return build.with_name(f"{stem}{PUBLISHED_SUFFIX}.duckdb")


def published_path(build_path: str | os.PathLike | None = None) -> Path:
    """The published file: of `build_path` when given (always beside it), else as the
    dbt hook resolves it (KZMIG_PUBLISHED_PATH, or beside DBT_DUCKDB_PATH)."""
    if build_path is not None:
        return published_path_for(build_path)
    return published_path_for(warehouse_path(), os.environ.get(PUBLISHED_PATH_VARIABLE) or None)


def publications_folder(final: str | os.PathLike) -> Path:
    """The folder of the publications of the published name `final`."""
    final = Path(final)
    stem = final.name[:-len(".duckdb")] if final.name.endswith(".duckdb") else final.name
    return final.with_name(f"{stem}{PUBLICATIONS_SUFFIX}")


def current_publication(final: str | os.PathLike) -> Path | None:
    """The file the published name leads to now (None when there is none)."""
    final = Path(final)
    return Path(os.path.realpath(final)) if final.exists() else None


def start_publication(build_path: str, configured: str | None, invocation_id: str) -> tuple[Path, Path]:
    """The temporary file a new publication is written into, and the published name.

    Removes what an interrupted publication left (its temporary folder, a temporary link
    beside the published name, the temporary file of the layout before publications had
    folders): only a build writes there, and one build at a time holds the warehouse.
    """
    final = published_path_for(build_path, configured)
    folder = publications_folder(final)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{TEMPORARY_INFIX}*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    for stale in final.parent.glob(f".{final.name}{TEMPORARY_INFIX}*"):
        stale.unlink(missing_ok=True)
    temporary = folder / f"{TEMPORARY_INFIX}{invocation_id}"
    temporary.mkdir()
    return temporary / final.name, final


def finish_publication(temporary: str | os.PathLike, final: str | os.PathLike) -> Path:
    """Publish the complete, detached temporary file: give it its folder among the
    publications, point the published name at it (a symbolic link replaced atomically),
    and remove the publications no reader needs any more. Returns the published name."""
    temporary, final = Path(temporary), Path(final)
    if not temporary.is_file():
        raise KzmigError(f"publication: {temporary} was not written")
    if Path(f"{temporary}.wal").exists():
        raise KzmigError(f"publication: {temporary} was not checkpointed (a .wal is left)")
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o644)
    folder = temporary.parent.parent
    invocation_id = temporary.parent.name[len(TEMPORARY_INFIX):]
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    publication = folder / f"{stamp}-{invocation_id}"
    os.rename(temporary.parent, publication)
    _fsync_folder(folder)
    previous = current_publication(final)
    link = final.with_name(f".{final.name}{TEMPORARY_INFIX}{invocation_id}")
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(publication / final.name, final.parent), link)
    try:
        # The commit point: never after kzmig was told to stop (kzmig.process).
        commit_publication(lambda: os.replace(link, final))
    except PublicationRefused as refused:
        link.unlink(missing_ok=True)
        shutil.rmtree(publication, ignore_errors=True)
        raise KzmigError(f"publication of {final}: {refused}") from None
    _fsync_folder(final.parent)
    remove_old_publications(final, keep={publication, previous.parent if previous else None})
    return final


def remove_old_publications(final: str | os.PathLike, keep: set) -> list[Path]:
    """Remove the publications of `final` other than those in `keep` (folders) that no
    reader holds open; returns those removed."""
    removed = []
    for folder in sorted(publications_folder(final).iterdir()):
        if folder.name.startswith(".") or folder in keep or not folder.is_dir() or folder.is_symlink():
            continue
        if any(_held_by_a_reader(path) for path in folder.iterdir()):
            continue
        shutil.rmtree(folder)
        removed.append(folder)
    return removed


def _held_by_a_reader(path: Path) -> bool:
    """Whether a process holds a lock on `path` (DuckDB does on every file it has open).
    Asks with an open-file-description lock (Linux), which sees the locks of every
    process and takes none. (Closing the probe drops the locks this process holds on
    the file, as any close does: the build's dbt process, which runs this, opens no
    publication.)"""
    probe = getattr(fcntl, "F_OFD_GETLK", None) if fcntl is not None else None
    if probe is None or not path.is_file():
        return False
    request = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return True  # cannot tell: kept, for a later publication to try again
    try:
        answer = fcntl.fcntl(descriptor, probe, request)
    except OSError:
        return True
    finally:
        os.close(descriptor)
    return struct.unpack("hhqqi4x", answer)[0] != fcntl.F_UNLCK


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_publication(connection) -> dict:
    """The publication record of an open published file (meta.publication)."""
    present = connection.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'meta' and table_name = 'publication'").fetchone()[0]
    if not present:
        raise KzmigError("the published file has no publication record (meta.publication): "
                         "it was not published by this project; build again (kzmig build)")
    cursor = connection.execute("select * from meta.publication")
    names = [column[0] for column in cursor.description]
    rows = cursor.fetchall()
    if len(rows) != 1:
        raise KzmigError(f"the published file's publication record holds {len(rows)} rows, expected 1")
    return dict(zip(names, rows[0]))


def describe(publication: dict) -> str:
    """One line naming the build a publication came from."""
    def moment(value) -> str:
        return f"{value:%Y-%m-%d %H:%M:%S}" if isinstance(value, dt.datetime) else str(value)

    cutoff = publication.get("data_cutoff") or "everything landed"
    return (f"build {publication['invocation_id']} (dbt {publication['command']}, target "
            f"{publication['target_name']}, started {moment(publication['build_started_at'])} UTC, "
            f"finished {moment(publication['build_finished_at'])} UTC, data cut-off {cutoff}), "
            f"published {moment(publication['published_at'])} UTC")
