"""The constraints of the enforced contracts are enforced by the engine, not only declared.

Where a model declares `not_null` or `primary_key` in its enforced contract, the data test
that used to check it is gone (docs/constraints.md): the guarantee is only as good as the
engine's refusal. Every model is built on the hand-written extracts (DuckDB); every table
has an enforced contract, and for every such constraint of every table built, a row that breaks it is inserted:
DuckDB must refuse each one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from unittest import mock

import duckdb
import pytest

from kzmig.project import PROJECT_DIR, run_dbt

FIXTURE_LANDING = PROJECT_DIR / "tests" / "fixtures" / "landing_csv"


@pytest.fixture(scope="module")
def coupon_build(tmp_path_factory) -> tuple[Path, dict]:
    """The coupon models built on the fixtures: the DuckDB file and dbt's manifest."""
    workdir = tmp_path_factory.mktemp("constraints")
    (workdir / "tmp").mkdir()
    with mock.patch.dict(os.environ, {
        "DBT_DUCKDB_PATH": str(workdir / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "KZMIG_DUCKDB_TEMP_DIR": str(workdir / "tmp"),
    }):
        run_dbt(["seed"], quiet=True)
        run_dbt(["run", "--vars", json.dumps({"landing_dir": str(FIXTURE_LANDING)})], quiet=True)
    manifest = json.loads((workdir / "target" / "manifest.json").read_text(encoding="utf-8"))
    return workdir / "warehouse.duckdb", manifest


def declared_constraints(manifest: dict) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(model, relation, constraint type, columns) of every not_null and primary_key constraint
    of the contracted tables (every table and incremental model of the project)."""
    found = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["config"]["materialized"] not in ("table", "incremental"):
            continue
        assert node["contract"]["enforced"], f"{node['name']} is a table without an enforced contract"
        relation = f"{node['schema']}.{node['alias']}"
        for constraint in node.get("constraints") or []:
            found.append((node["name"], relation, constraint["type"], tuple(constraint["columns"])))
        for name, column in node["columns"].items():
            for constraint in column.get("constraints") or []:
                found.append((node["name"], relation, constraint["type"], (name,)))
    return [c for c in found if c[2] in ("not_null", "primary_key")]


def test_every_table_declares_its_constraints(coupon_build):
    _, manifest = coupon_build
    tables = {node["name"] for node in manifest["nodes"].values()
              if node["resource_type"] == "model" and node["config"]["materialized"] in ("table", "incremental")}
    constrained = {model for model, _, _, _ in declared_constraints(manifest)}
    assert constrained == tables
    assert {"stg_coupons__extract_rows", "int_coupon_rows_checked", "int_coupon_counts_evaluated",
            "migration_revisions", "release_key_points", "coupon_outcome_summary"} <= constrained
    # audit.coupon_outcomes is a view over int_coupon_rows_checked: a contract on names and
    # types, no constraint (an engine enforces none on a view)
    assert "coupon_outcomes" not in tables


def test_the_engine_refuses_every_row_that_breaks_a_constraint(coupon_build):
    database, manifest = coupon_build
    refused = []
    with duckdb.connect(str(database)) as connection:
        for model, relation, kind, columns in declared_constraints(manifest):
            assert connection.execute(f"select count(*) from {relation}").fetchone()[0] > 0, relation
            if kind == "not_null":
                # one existing row again, with the column null
                breaking = f"insert into {relation} select * replace (null as {columns[0]}) from {relation} limit 1"
            else:
                # one existing row again: its key twice
                breaking = f"insert into {relation} select * from {relation} limit 1"
            with pytest.raises(duckdb.ConstraintException):
                connection.execute(breaking)
            refused.append((model, kind, columns))
    assert ("stg_coupons__extract_rows", "not_null", ("source_file",)) in refused
    assert ("migration_revisions", "not_null", ("measure_code",)) in refused
    assert ("coupon_outcome_summary", "primary_key", ("outcome_rank",)) in refused
