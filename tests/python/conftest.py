"""Shared pytest fixtures: build the warehouse into a temporary folder, once per session.

Every build gets its own DuckDB file, dbt target folder and log folder, so tests never
touch the user's warehouse and several builds can coexist.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from unittest import mock

import duckdb
import pytest

from kzmig.project import PROJECT_DIR

FIXTURES_DIR = PROJECT_DIR / "tests" / "fixtures"


def warehouse_environment(workdir: Path):
    """A context in which kzmig and dbt build into `workdir` (its DuckDB file, dbt's target
    and log folders, the spill folder) and nowhere else."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tmp").mkdir(exist_ok=True)
    return mock.patch.dict(os.environ, {
        "DBT_DUCKDB_PATH": str(workdir / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "KZMIG_DUCKDB_TEMP_DIR": str(workdir / "tmp"),
    })


def build_warehouse(workdir: Path, landing_dir: Path, cutoff: str | None = None,
                    target: str | None = None, full_refresh: bool = False) -> Path:
    """Build the warehouse on `landing_dir` into `workdir`; return the DuckDB file."""
    from kzmig.build import build

    with warehouse_environment(workdir):
        build(landing_dir, cutoff=cutoff, target=target, quiet=True, full_refresh=full_refresh)
    return workdir / "warehouse.duckdb"


def copy_warehouse(source: Path, workdir: Path) -> Path:
    """The build file and its publication, copied into workdir; returns the build file."""
    from kzmig.publish import published_path

    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / "warehouse.duckdb"
    shutil.copyfile(source, target)
    shutil.copyfile(published_path(source), published_path(target))
    return target


def query(database: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    """Run one read-only query against a built warehouse."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


@pytest.fixture(scope="session")
def calibrated_world(tmp_path_factory) -> Path:
    """The calibrated synthetic world (CSV), generated once per session."""
    from kzmig.generate import generate_world

    landing = tmp_path_factory.mktemp("calibrated") / "landing"
    generate_world(out_dir=landing, file_format="csv", seed=2024)
    return landing


@pytest.fixture(scope="session")
def calibrated_warehouse(tmp_path_factory, calibrated_world) -> Path:
    """The warehouse built on the calibrated world, once per session."""
    return build_warehouse(tmp_path_factory.mktemp("calibrated_build"), calibrated_world)
