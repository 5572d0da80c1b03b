"""Plain dbt on a fresh clone (issue 13): DuckDB's spill folder is there before anything spills.

The profile's spill folder is warehouse/tmp (profiles/profiles.yml, temp_directory). DuckDB
creates neither the folder of the database file nor a spill folder whose parent is missing,
so the folder is in git (warehouse/tmp/.gitkeep). The test copies what a clone of this tree
holds (the files git tracks, plus new ones it does not ignore) to a temporary folder and runs
plain dbt there with a memory limit low enough that the query must spill:

- in the copy, warehouse/tmp exists and nothing else of warehouse/ was copied;
- the spilling query succeeds with the profile's defaults (warehouse/kz_migration.duckdb,
  spill folder warehouse/tmp), and with the database file elsewhere (DBT_DUCKDB_PATH);
- without warehouse/ (and the database file elsewhere) the same query fails with DuckDB's
  "Failed to create directory": it really spills.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kzmig.project import PROJECT_DIR

# About 4 million distinct groups: far more than 64 MB hold, so the aggregation spills.
SPILLING_QUERY = ("select count(*) as group_count from (select md5(range::varchar) as digest, count(*) as n"
                  " from range(4000000) group by digest) as groups")
DBT = str(Path(sys.executable).parent / "dbt")


def clone_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=PROJECT_DIR, capture_output=True, check=True).stdout
    return [name for name in listed.decode().split("\0") if name and (PROJECT_DIR / name).is_file()]


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory) -> Path:
    if not (PROJECT_DIR / ".git").exists():
        pytest.skip("the project is not a git checkout")
    clone = tmp_path_factory.mktemp("fresh_clone") / "kz_migration"
    for name in clone_files():
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_DIR / name, clone / name)
    return clone


def plain_dbt_show(clone: Path, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DBT_DUCKDB_PATH", "KZMIG_DUCKDB_TEMP_DIR", "DBT_TARGET")}
    env.update(DBT_TARGET_PATH=str(clone / "target"), DBT_LOG_PATH=str(clone / "logs"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", KZMIG_DUCKDB_MEMORY_LIMIT="64MB",
               PYTHONPATH=str(clone))  # the dbt-duckdb plugin kzmig.dbt_plugin of the copy
    env.update(environment)
    return subprocess.run([DBT, "show", "--profiles-dir", "profiles", "--no-use-colors",
                           "--inline", SPILLING_QUERY],
                          cwd=clone, env=env, capture_output=True, text=True, timeout=600)


def test_a_fresh_clone_has_the_spill_folder_and_nothing_else_of_the_warehouse(fresh_clone):
    assert (fresh_clone / "warehouse" / "tmp").is_dir()
    assert sorted(path.relative_to(fresh_clone).as_posix() for path in (fresh_clone / "warehouse").rglob("*")) == [
        "warehouse/tmp", "warehouse/tmp/.gitkeep"]


def test_plain_dbt_spills_on_a_fresh_clone(fresh_clone, tmp_path):
    shown = plain_dbt_show(fresh_clone)
    assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-3000:]
    assert "4000000" in shown.stdout
    assert (fresh_clone / "warehouse" / "kz_migration.duckdb").exists()

    elsewhere = plain_dbt_show(fresh_clone, DBT_DUCKDB_PATH=str(tmp_path / "elsewhere.duckdb"))
    assert elsewhere.returncode == 0, elsewhere.stdout[-3000:] + elsewhere.stderr[-3000:]

    # The same query without the folder: it does spill, and DuckDB cannot create warehouse/tmp.
    shutil.rmtree(fresh_clone / "warehouse")
    missing = plain_dbt_show(fresh_clone, DBT_DUCKDB_PATH=str(tmp_path / "elsewhere.duckdb"))
    assert missing.returncode != 0
    assert "Failed to create directory" in missing.stdout + missing.stderr, missing.stdout[-3000:]
