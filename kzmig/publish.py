"""The published marts: the read-only copy of schema `marts` that analysts, BI tools and
`kzmig export` open, replaced whole only after a successful `dbt build`.

DuckDB. The build writes the warehouse file (DBT_DUCKDB_PATH, default
warehouse/kz_migration.duckdb); nobody but the build should open it while it runs. When a
`dbt build` succeeds (every node, tests included), the project's on-run-end hook
(macros/publish/publish_marts.sql) writes a new file beside the published one under a
temporary name, copies every table of `marts` into it plus the publication record
`meta.publication`, detaches it, and renames it into place (os.replace, through the
dbt-duckdb plugin kzmig/dbt_plugin.py). A reader that holds the old file open keeps
reading the old one (POSIX rename: it keeps the old inode); a new connection opens the
new one. A failed build publishes nothing, so the last good publication stays; nor does a
build that kzmig was told to stop before the rename (kzmig.process.commit_publication).

The published file is KZMIG_PUBLISHED_PATH, default the build file's name with
`_marts` before `.duckdb`, beside it (warehouse/kz_migration_marts.duckdb). It is written
in DuckDB's storage format v1.1.0, so DuckDB 1.1 and later open it.

PostgreSQL: see macros/publish/publish_marts.sql and docs/postgres.md.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from kzmig.process import PublicationRefused, commit_publication
from kzmig.project import KzmigError, warehouse_path

PUBLISHED_PATH_VARIABLE = "KZMIG_PUBLISHED_PATH"
PUBLISHED_SUFFIX = "_marts"
# DuckDB 1.1 and later read files written with this storage version.
STORAGE_VERSION = "v1.1.0"
TEMPORARY_INFIX = ".tmp-"


def published_path_for(build_path: str | os.PathLike, configured: str | None = None) -> Path:
    """The published file of a build file: `configured` when given, else beside the build
    file, `<name>_marts.duckdb`."""
    if configured:
        return Path(configured).resolve()
    build = Path(build_path).resolve()
    stem = build.name[:-len(".duckdb")] if build.name.endswith(".duckdb") else build.name
    return build.with_name(f"{stem}{PUBLISHED_SUFFIX}.duckdb")


def published_path(build_path: str | os.PathLike | None = None) -> Path:
    """The published file: of `build_path` when given (always beside it), else as the
    dbt hook resolves it (KZMIG_PUBLISHED_PATH, or beside DBT_DUCKDB_PATH)."""
    if build_path is not None:
        return published_path_for(build_path)
    return published_path_for(warehouse_path(), os.environ.get(PUBLISHED_PATH_VARIABLE) or None)


def start_publication(build_path: str, configured: str | None, invocation_id: str) -> tuple[Path, Path]:
    """The temporary file a new publication is written into, and the published file.

    Removes what an interrupted publication left beside the published file (its
    temporary file and write-ahead log): only a build writes there, and one build at a
    time holds the warehouse.
    """
    final = published_path_for(build_path, configured)
    final.parent.mkdir(parents=True, exist_ok=True)
    for stale in final.parent.glob(f".{final.name}{TEMPORARY_INFIX}*"):
        stale.unlink(missing_ok=True)
    return final.parent / f".{final.name}{TEMPORARY_INFIX}{invocation_id}", final


def finish_publication(temporary: str | os.PathLike, final: str | os.PathLike) -> Path:
    """Rename the complete, detached temporary file onto the published one (atomic)."""
    temporary, final = Path(temporary), Path(final)
    if not temporary.is_file():
        raise KzmigError(f"publication: {temporary} was not written")
    if Path(f"{temporary}.wal").exists():
        raise KzmigError(f"publication: {temporary} was not checkpointed (a .wal is left)")
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o644)
    try:
        # The commit point: never after kzmig was told to stop (kzmig.process).
        commit_publication(lambda: os.replace(temporary, final))
    except PublicationRefused as refused:
        temporary.unlink(missing_ok=True)
        raise KzmigError(f"publication of {final}: {refused}") from None
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return final


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
