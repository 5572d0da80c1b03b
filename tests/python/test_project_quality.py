"""The project's documentation and conventions, checked on dbt's manifest (`dbt parse`,
no database, no network): every macro described beside it, with each argument of its
definition; every model named as the conventions declared to dbt-project-evaluator in
dbt_project.yml say; and dbt-score at 9.5 or more (DEVELOPERS.md, "Project quality").

The evaluator itself needs the dbt-project-evaluator and dbt-utils packages, which are not
part of the project: scripts/evaluate_project.py runs it on a scratch copy.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kzmig.project import PROJECT_DIR

from conftest import warehouse_environment

MIN_DBT_SCORE = 9.5


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    workdir = tmp_path_factory.mktemp("parse")
    dbt = Path(sys.executable).parent / "dbt"
    with warehouse_environment(workdir):
        result = subprocess.run(
            [str(dbt), "parse", "--project-dir", str(PROJECT_DIR),
             "--profiles-dir", str(PROJECT_DIR / "profiles"), "--no-partial-parse",
             "--no-use-colors"],
            cwd=PROJECT_DIR, capture_output=True, text=True,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    path = workdir / "target" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["_path"] = str(path)
    return manifest


def project_macros(manifest: dict) -> list[dict]:
    return [macro for macro in manifest["macros"].values() if macro["package_name"] == "kz_migration"]


def signature_arguments(macro_sql: str) -> list[str]:
    """The argument names of a `{% macro name(...) %}` or `{% test name(...) %}` block."""
    match = re.match(r"\{%-?\s*(?:macro|test)\s+\w+\s*\((.*?)\)\s*-?%\}", macro_sql, re.DOTALL)
    assert match, macro_sql[:80]
    names, depth, current, quote = [], 0, "", None
    for character in match.group(1) + ",":
        if quote:
            quote = None if character == quote else quote
        elif character in "'\"":
            quote = character
        elif character in "([{":
            depth += 1
        elif character in ")]}":
            depth -= 1
        elif character == "," and depth == 0:
            if current.strip():
                names.append(current.split("=")[0].strip())
            current = ""
            continue
        current += character
    return names


def test_the_project_has_macros_and_generic_tests(manifest):
    files = {macro["original_file_path"] for macro in project_macros(manifest)}
    assert any(path.startswith("macros/") for path in files)
    assert any(path.startswith("tests/dbt/generic/") for path in files)


def test_every_macro_is_described_in_the_yml_of_its_folder(manifest):
    """One _<folder>__macros.yml per folder of macros (generic tests included)."""
    problems = []
    for macro in project_macros(manifest):
        folder = Path(macro["original_file_path"]).parent
        expected = f"kz_migration://{folder.as_posix()}/_{folder.name}__macros.yml"
        if not (macro["description"] or "").strip():
            problems.append(f"{macro['name']} ({macro['original_file_path']}): no description")
        elif macro["patch_path"] != expected:
            problems.append(f"{macro['name']}: described in {macro['patch_path']}, expected {expected}")
    assert not problems, "\n".join(problems)


def test_every_macro_argument_is_documented_as_defined(manifest):
    """The arguments in the yml are the definition's, in its order, each described.
    (dbt's own check, the flag validate_macro_args, is off: dbt 1.11 reads no arguments
    from a generic test's definition and would reject every documented one.)"""
    problems = []
    for macro in project_macros(manifest):
        defined = signature_arguments(macro["macro_sql"])
        documented = [argument["name"] for argument in macro["arguments"]]
        if documented != defined:
            problems.append(f"{macro['name']}: yml documents {documented}, the macro takes {defined}")
        problems.extend(
            f"{macro['name']}: argument {argument['name']} has no description"
            for argument in macro["arguments"] if not (argument.get("description") or "").strip()
        )
    assert not problems, "\n".join(problems)


def evaluator_vars() -> dict:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return project["vars"]["dbt_project_evaluator"]


def test_models_follow_the_naming_conventions_declared_to_the_evaluator(manifest):
    """dbt-project-evaluator's naming rule, offline: a model's layer is the declared folder
    it sits in, and the first word of its name (up to the first '_') is one of the prefixes
    declared for that layer. A new mart subject is added to marts_prefixes."""
    declared = evaluator_vars()
    folders = {declared[f"{layer}_folder_name"]: layer for layer in declared["model_types"]}
    problems = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["package_name"] != "kz_migration":
            continue
        parts = Path(node["original_file_path"]).parts
        layers = [folders[part] for part in parts[1:-1] if part in folders]
        if not layers:
            problems.append(f"{node['name']}: in no declared layer folder ({node['original_file_path']})")
            continue
        prefix = node["name"].split("_")[0] + "_"
        if prefix not in declared[f"{layers[-1]}_prefixes"]:
            problems.append(f"{node['name']} ({layers[-1]}): prefix {prefix} not in {declared[f'{layers[-1]}_prefixes']}")
    assert not problems, "\n".join(problems)


# PostgreSQL truncates nothing: a relation or column name longer than its identifier
# limit (NAMEDATALEN - 1 = 63 bytes) is an error. dbt names a unit test's temporary
# relation after the test, a model's after the model, a seed's after the seed.
POSTGRES_IDENTIFIER_BYTES = 63


def test_every_name_postgres_creates_fits_its_identifier_limit(manifest):
    """Models, seeds, snapshots, unit tests and every documented column: at most 63 bytes
    (UTF-8), or the same project fails on PostgreSQL while DuckDB builds it."""
    too_long = []
    nodes = [*manifest["nodes"].values(), *manifest.get("unit_tests", {}).values()]
    for node in nodes:
        if node.get("package_name") != "kz_migration":
            continue
        if node["resource_type"] in ("model", "seed", "snapshot", "unit_test"):
            names = [node["name"], *(node.get("columns") or {})]
            too_long += [f"{node['resource_type']} {node['name']}: {name} ({len(name.encode())} bytes)"
                         for name in names if len(name.encode()) > POSTGRES_IDENTIFIER_BYTES]
    assert not too_long, "\n".join(too_long)


def test_the_declared_primary_key_test_is_the_projects(manifest):
    macro_ids = {f"{macro['package_name']}.{macro['name']}" for macro in manifest["macros"].values()}
    for test_set in evaluator_vars()["primary_key_test_macros"]:
        for test in test_set:
            assert test.startswith("dbt.") or test in macro_ids, f"{test} is not a macro of the project"
    assert ["kz_migration.test_unique_combination_of_columns"] in evaluator_vars()["primary_key_test_macros"]


def test_dbt_score_is_at_least_the_target(manifest):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dbt-score"), "lint", "--manifest", manifest["_path"],
         "--format", "json"],
        cwd=PROJECT_DIR, capture_output=True, text=True,
    )
    report = json.loads(result.stdout)
    assert report["project"]["score"] >= MIN_DBT_SCORE, report["project"]
