"""What a build was made of, so that a build with nothing new does nothing.

The inputs of a DuckDB build: the deliveries (name, size and SHA-256, with the modification
time they had when checked), the synthetic manifest, the cut-off, the target, the project
(models, macros, seeds, data tests, dbt_project.yml, the profile, the build's own Python
modules, the versions of kzmig, dbt and DuckDB) and the options that change what a build
checks. After a successful `kzmig build` they are recorded in `audit.build_inputs` of the
warehouse with the build's invocation id. The next `kzmig build` compares: when everything
is the same, the warehouse's last build (audit.build_runs, any `dbt build`/`dbt run`
counts) is that recorded build and succeeded, and the published name still leads to its
publication, the warehouse is up to date and dbt does not run.

Cheap by construction: a delivery is hashed only when its size or modification time
differs from the recorded ones (a file touched but unchanged is then still the same); the
project's files are small (about 1 MB) and are hashed every time. Anything that cannot be
read or compared means "not up to date": the build runs, as it always did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from kzmig.project import PROJECT_DIR

INPUTS_TABLE = "audit.build_inputs"
# What of the project decides what a build writes: dbt's own files, the profile, and the
# Python that runs in the build (the landing check, the dbt plugin, the publication).
PROJECT_FOLDERS = ("models", "macros", "seeds", "tests/dbt", "snapshots", "analyses")
PROJECT_FILES = ("dbt_project.yml", "profiles/profiles.yml")
BUILD_MODULES = "kzmig/*.py"
VERSIONED_PACKAGES = ("kzmig", "dbt-core", "dbt-duckdb", "duckdb")


def project_digest(project_dir: Path = PROJECT_DIR) -> str:
    """SHA-256 of the project's files that decide a build, their paths included, and of the
    versions of kzmig, dbt-core, dbt-duckdb and duckdb."""
    from importlib.metadata import PackageNotFoundError, version

    paths = [project_dir / name for name in PROJECT_FILES]
    for folder in PROJECT_FOLDERS:
        paths += (project_dir / folder).rglob("*")
    paths += project_dir.glob(BUILD_MODULES)
    digest = hashlib.sha256()
    for path in sorted(path for path in paths if path.is_file()):
        digest.update(str(path.relative_to(project_dir)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for package in VERSIONED_PACKAGES:
        try:
            digest.update(f"{package}={version(package)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{package}=?\0".encode())
    return digest.hexdigest()


def manifest_digest(landing_dir: Path) -> str | None:
    """SHA-256 of the landing folder's synthetic manifest (manifest.json), None without one."""
    path = Path(landing_dir) / "manifest.json"
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def build_settings(landing_dir: str | os.PathLike, cutoff: str | None, target_name: str,
                   warn_error: bool) -> dict:
    """The inputs of a build other than the deliveries."""
    return {
        "project_sha256": project_digest(),
        "manifest_sha256": manifest_digest(Path(landing_dir)),
        "cutoff": cutoff,
        "target": target_name,
        "warn_error": bool(warn_error),
    }


def delivery_times(landing_dir: str | os.PathLike) -> dict[str, tuple[int, int]]:
    """Size and modification time (ns) of every delivery of the landing folder, by name."""
    from kzmig.landing import find_deliveries

    times = {}
    for path in find_deliveries(landing_dir):
        status = path.stat()
        times[path.name] = (status.st_size, status.st_mtime_ns)
    return times


def _connect(database: Path, read_only: bool):
    import duckdb

    return duckdb.connect(str(database), read_only=read_only)


def recorded_inputs(database: Path) -> tuple[str, dict] | None:
    """The invocation id and inputs recorded by the last successful kzmig build, when it is
    also the warehouse's last build; else None."""
    import duckdb

    if not database.is_file():
        return None
    try:
        with _connect(database, read_only=True) as connection:
            tables = {row[0] for row in connection.execute(
                "select schema_name || '.' || table_name from duckdb_tables()").fetchall()}
            if not {INPUTS_TABLE, "audit.build_runs"} <= tables:
                return None
            recorded = connection.execute(f"select invocation_id, inputs from {INPUTS_TABLE}").fetchall()
            last = connection.execute(
                "select invocation_id, status from audit.build_runs order by started_at desc limit 1").fetchall()
    except duckdb.Error:
        return None
    if len(recorded) != 1 or not last or last[0] != (recorded[0][0], "success"):
        return None
    return recorded[0][0], json.loads(recorded[0][1])


def publication_is_of(invocation_id: str) -> bool:
    """Whether the published name leads to the publication of `invocation_id` (its folder
    is named `<published at>-<invocation id>`, kzmig.publish)."""
    from kzmig.publish import current_publication, published_path

    published = published_path()
    if not published.is_symlink():
        return False
    current = current_publication(published)
    return current is not None and current.is_file() and current.parent.name.endswith(f"-{invocation_id}")


def up_to_date(landing_dir: str | os.PathLike, settings: dict, database: Path) -> str | None:
    """The invocation id of the last build when it had exactly these inputs (nothing new:
    the warehouse is up to date), else None."""
    from kzmig.landing import file_sha256

    recorded = recorded_inputs(database)
    if recorded is None:
        return None
    invocation_id, inputs = recorded
    if inputs.get("settings") != settings:
        return None
    deliveries = inputs.get("deliveries", {})
    now = delivery_times(landing_dir)
    if set(now) != set(deliveries):
        return None
    landing = Path(landing_dir)
    for name, (size, mtime_ns) in now.items():
        before = deliveries[name]
        if size != before["size_bytes"]:
            return None
        if mtime_ns != before["mtime_ns"] and file_sha256(landing / name) != before["sha256"]:
            return None
    return invocation_id if publication_is_of(invocation_id) else None


def record_inputs(database: Path, settings: dict, checked_times: dict[str, tuple[int, int]]) -> None:
    """After a successful build: its inputs, with its invocation id, replace those recorded.

    The deliveries are those the build read (staging.stg_coupons__deliveries: size and
    SHA-256), each with the modification time it had when the landing check read it
    (`checked_times`); a delivery the check did not see gets no time, so that the next
    build hashes it. Best effort: inputs that cannot be recorded make the next build run.
    """
    import duckdb

    try:
        _record_inputs(database, settings, checked_times)
    except duckdb.Error:
        pass


def _record_inputs(database: Path, settings: dict, checked_times: dict[str, tuple[int, int]]) -> None:
    with _connect(database, read_only=False) as connection:
        last = connection.execute(
            "select invocation_id, status from audit.build_runs order by started_at desc limit 1").fetchall()
        if not last or last[0][1] != "success":
            return
        deliveries = {}
        for name, size, sha256 in connection.execute(
                "select source_file, file_size_bytes, file_sha256 from staging.stg_coupons__deliveries").fetchall():
            size_now, mtime_ns = checked_times.get(name, (None, None))
            deliveries[name] = {"size_bytes": size, "sha256": sha256,
                                "mtime_ns": mtime_ns if size_now == size else None}
        inputs = json.dumps({"settings": settings, "deliveries": deliveries}, sort_keys=True)
        connection.execute("create schema if not exists audit")
        connection.execute(f"""create table if not exists {INPUTS_TABLE} (
            invocation_id varchar not null, recorded_at timestamp not null, inputs varchar not null)""")
        connection.execute("begin transaction")
        connection.execute(f"delete from {INPUTS_TABLE}")
        connection.execute(f"insert into {INPUTS_TABLE} values (?, ?, ?)",
                           [last[0][0], dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), inputs])
        connection.execute("commit")
