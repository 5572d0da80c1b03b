"""Shared pytest fixtures: build the warehouse into a temporary folder, once per session.

Every build gets its own DuckDB file, dbt target folder and log folder, so tests never
touch the user's warehouse and several builds can coexist.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import time
from pathlib import Path
from unittest import mock

import duckdb
import pytest

from kzmig.export import tables
from kzmig.project import PROJECT_DIR

FIXTURES_DIR = PROJECT_DIR / "tests" / "fixtures"

# The PostgreSQL tests use a throwaway cluster of their own, without durability
# (scripts/postgres.sh, KZMIG_PG_SCRATCH), never the warehouse's cluster main; the same
# defaults as scripts/test.sh, for pytest run by hand.
for _name, _default in {"KZMIG_PG_CLUSTER": "kzmig_test", "KZMIG_PG_PORT": "5433",
                        "KZMIG_PG_SCRATCH": "1"}.items():
    os.environ.setdefault(_name, _default)


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


def seed_tables() -> tuple[tables.Table, ...]:
    """The release's tables as the seeds define them (the sources of
    marts.release_table_titles and release_table_headers), for tests without a warehouse."""
    folder = PROJECT_DIR / "seeds" / "labels"

    def rows(name: str) -> list[dict]:
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    words = {lang: {row["label_code"]: row["label"] for row in rows(f"release_labels_{lang}")}
             for lang in tables.LANGUAGES}

    def label(code: str, name: str) -> dict:
        return {f"{name}_{lang}": words[lang].get(code) for lang in tables.LANGUAGES}

    titles = [{**row, **label(f"sheet.{row['table_name']}", "sheet_name"),
               **label(f"title.{row['table_name']}", "title"),
               **label(f"corner.{row['table_name']}", "corner_label")}
              for row in rows("release_table_layout")]
    headers = [{**row, **label(row["header_label_code"], "header"),
                **label(row["header_group_label_code"], "header_group")}
               for row in rows("release_column_layout")]
    return tables.from_rows(titles, headers)


# the release's tables after the key figures, as the seeds define them
RELEASE_TABLES = tuple(table for table in seed_tables() if table.name != "key_figures")


def query(database: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    """Run one read-only query against a built warehouse."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


@pytest.fixture(scope="session")
def step(pytestconfig):
    """A context manager that shows a long step of a session fixture on the terminal.

    `with step("building ..."):` writes the step when it starts and its duration in
    seconds when it ends (or that it failed), so that a log of the test run says where
    the time went and where it stopped, even if the run is killed.
    """
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")

    def write(message: str) -> None:
        if reporter is None:
            return
        # past the output capture of the fixture being set up, straight to the terminal
        with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
            reporter.write_line(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    @contextlib.contextmanager
    def show(what: str):
        write(f"{what} ...")
        started = time.monotonic()
        try:
            yield
        except BaseException:
            write(f"{what}: failed after {time.monotonic() - started:.1f} s")
            raise
        write(f"{what}: done in {time.monotonic() - started:.1f} s")

    return show


@pytest.fixture(scope="session")
def calibrated_world(tmp_path_factory, step) -> Path:
    """The calibrated synthetic world (CSV), generated once per session; with
    KZMIG_TEST_CALIBRATED_WORLD, that folder (kzmig generate's, by hand) instead."""
    from kzmig.generate import generate_world

    if os.environ.get("KZMIG_TEST_CALIBRATED_WORLD"):
        return Path(os.environ["KZMIG_TEST_CALIBRATED_WORLD"])
    landing = tmp_path_factory.mktemp("calibrated") / "landing"
    with step("generating the calibrated world"):
        generate_world(out_dir=landing, file_format="csv", seed=2024)
    return landing


@pytest.fixture(scope="session")
def calibrated_warehouse(tmp_path_factory, calibrated_world, step) -> Path:
    """The warehouse built on the calibrated world, once per session; with
    KZMIG_TEST_CALIBRATED_WAREHOUSE (a build file of the calibrated world built by this
    tree, its publication beside it), a copy of that one instead (a test run by hand)."""
    prebuilt = os.environ.get("KZMIG_TEST_CALIBRATED_WAREHOUSE")
    if prebuilt:
        return copy_warehouse(Path(prebuilt), tmp_path_factory.mktemp("calibrated_build"))
    with step("building the calibrated world on DuckDB"):
        return build_warehouse(tmp_path_factory.mktemp("calibrated_build"), calibrated_world)
