#!/usr/bin/env python3
"""Run dbt-labs' dbt-project-evaluator on a scratch copy of the project.

The evaluator and dbt-utils are never installed into the project itself (dbt packages are
not downloaded here, and the project does not depend on them): this script copies the
project's files (git ls-files: tracked files and untracked ones that are not ignored) into
a temporary folder, places the two packages into the copy's dbt_packages/, adds the
dispatch the evaluator needs on DuckDB to the copy's dbt_project.yml, runs

    dbt build --select package:dbt_project_evaluator dbt_project_evaluator_exceptions

on DuckDB with the hand-written fixtures as the landing folder, and prints the findings of
every fct_* table of the evaluator and their total. The project's deliberate conventions
(model prefixes, its own primary-key test) are declared in dbt_project.yml under
vars: dbt_project_evaluator: (inert without the package).

Exit status: 0 no finding, 1 findings, 2 the evaluator could not run.

    .venv/bin/python scripts/evaluate_project.py \\
        --evaluator-dir /path/to/dbt-project-evaluator --utils-dir /path/to/dbt-utils

or with DBT_PROJECT_EVALUATOR_DIR and DBT_UTILS_DIR set (DEVELOPERS.md says how to get them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

# The versions the project was evaluated with (dbt-core 1.11, DuckDB).
EVALUATOR_VERSION = "v1.3.2"
UTILS_VERSION = "1.4.1"

HOW_TO_GET = f"""\
Get them once (any folder outside the project), e.g.:
    git clone --depth 1 --branch {EVALUATOR_VERSION} https://github.com/dbt-labs/dbt-project-evaluator
    git clone --depth 1 --branch {UTILS_VERSION} https://github.com/dbt-labs/dbt-utils
and pass them: --evaluator-dir dbt-project-evaluator --utils-dir dbt-utils
(or set DBT_PROJECT_EVALUATOR_DIR and DBT_UTILS_DIR). See DEVELOPERS.md."""

# The evaluator overrides a few dbt macros for DuckDB; its README asks the root project for
# this dispatch. Added to the copy only: the project itself does not know the package.
DISPATCH = """
# Added by scripts/evaluate_project.py to the scratch copy only.
dispatch:
  - macro_namespace: dbt
    search_order: ['dbt_project_evaluator', 'dbt']
"""

# The project's exceptions to the evaluator's rules, each with its reason: written into the
# copy as the evaluator's exceptions seed (its documented way), the package's own disabled.
# The reference data of the project stay the only seeds of the project itself.
EXCEPTIONS = [
    ("fct_rejoining_of_upstream_concepts", "parent_and_child", "int_duplicate_registrations_identified",
     "The duplicate registrations have a second child, audit.coupon_outcomes, which the evaluator "
     "does not see (excluded in dbt_project.yml: a view over int_coupon_rows_checked); folding them "
     "into int_coupon_counts_evaluated would compute step 6 twice."),
    ("fct_sources_without_freshness", "resource_name", "coupons.synthetic_manifest_files",
     "The synthetic world's manifest is not a delivery and has no time of its own: it is read afresh "
     "on every build (DuckDB) or load (PostgreSQL), and is empty for real deliveries, where a "
     "freshness check could only fail."),
]
EXCEPTIONS_SEED = """
# Added by scripts/evaluate_project.py to the scratch copy only: the project's exceptions
# (seeds/dbt_project_evaluator_exceptions.csv of the copy) replace the package's empty seed.
  dbt_project_evaluator:
    dbt_project_evaluator_exceptions:
      +enabled: false
"""

# Summary tables: one row each, a finding when the coverage is below its target.
COVERAGE_TABLES = {
    "fct_test_coverage": "test_coverage_pct",
    "fct_documentation_coverage": "documentation_coverage_pct",
}


class EvaluationError(Exception):
    pass


def package_dir(given: str | None, env_name: str, package_name: str, option: str) -> Path:
    value = given or os.environ.get(env_name)
    if not value:
        raise EvaluationError(
            f"evaluate_project: where is the {package_name} package? Pass {option} DIR or set "
            f"{env_name}.\n{HOW_TO_GET}"
        )
    path = Path(value).expanduser().resolve()
    project_file = path / "dbt_project.yml"
    if not project_file.is_file():
        raise EvaluationError(
            f"evaluate_project: {path} ({option} / {env_name}) holds no dbt_project.yml; "
            f"expected the {package_name} package there.\n{HOW_TO_GET}"
        )
    import yaml  # PyYAML, a dependency of dbt-core

    if (yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}).get("name") != package_name:
        raise EvaluationError(
            f"evaluate_project: {project_file} is not the {package_name} package.\n{HOW_TO_GET}"
        )
    return path


def project_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_DIR, check=True, capture_output=True,
    ).stdout.decode("utf-8")
    return [name for name in listed.split("\0") if name]


def copy_project(destination: Path) -> None:
    for name in project_files():
        source = PROJECT_DIR / name
        if not source.is_file():  # deleted in the work tree, not yet in git
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    with open(destination / "dbt_project.yml", "a", encoding="utf-8") as project_yml:
        project_yml.write(DISPATCH)
    write_exceptions(destination)


def write_exceptions(destination: Path) -> None:
    """The project's EXCEPTIONS as the evaluator's exceptions seed of the copy."""
    import csv

    with open(destination / "seeds" / "dbt_project_evaluator_exceptions.csv", "w", encoding="utf-8",
              newline="") as seed:
        writer = csv.writer(seed)
        writer.writerow(["fct_name", "column_name", "id_to_exclude", "comment"])
        writer.writerows(EXCEPTIONS)
    project_yml = destination / "dbt_project.yml"
    text = project_yml.read_text(encoding="utf-8")
    marker = "\nseeds:\n"
    if marker not in text:
        raise EvaluationError("evaluate_project: dbt_project.yml has no top-level seeds: block")
    project_yml.write_text(text.replace(marker, marker + EXCEPTIONS_SEED.lstrip("\n"), 1), encoding="utf-8")


def copy_package(source: Path, destination: Path) -> None:
    shutil.copytree(
        source, destination,
        ignore=shutil.ignore_patterns(
            ".git", "integration_tests*", "docs", "target", "logs", "dbt_packages"
        ),
    )


def dbt_command() -> str:
    beside = Path(sys.executable).parent / "dbt"
    if beside.exists():
        return str(beside)
    found = shutil.which("dbt")
    if not found:
        raise EvaluationError("evaluate_project: no dbt command beside this Python nor on PATH")
    return found


def run_evaluator(copy: Path, work: Path, landing_dir: Path, verbose: bool) -> subprocess.CompletedProcess:
    for folder in ("target", "logs", "spill"):
        (work / folder).mkdir()
    env = dict(os.environ)
    env.update(
        DBT_TARGET="duckdb",
        DBT_DUCKDB_PATH=str(work / "warehouse.duckdb"),
        DBT_TARGET_PATH=str(work / "target"),
        DBT_LOG_PATH=str(work / "logs"),
        KZMIG_DUCKDB_TEMP_DIR=str(work / "spill"),
        KZMIG_PUBLISHED_PATH=str(work / "published.duckdb"),
        KZMIG_PROJECT_DIR=str(copy),
        PYTHONPATH=os.pathsep.join(filter(None, [str(copy), env.get("PYTHONPATH")])),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    command = [
        dbt_command(), "build",
        "--project-dir", str(copy), "--profiles-dir", str(copy / "profiles"),
        "--select", "package:dbt_project_evaluator", "dbt_project_evaluator_exceptions",
        "--vars", json.dumps({"landing_dir": str(landing_dir)}),
        "--no-use-colors",
    ]
    print("evaluate_project: " + " ".join(command[1:]), flush=True)
    result = subprocess.run(command, cwd=copy, env=env, text=True, capture_output=not verbose)
    return result


def findings(work: Path) -> list[tuple[str, int, list[str], str]]:
    """(fct table, findings, columns, rows as text) for every fct_* model of the evaluator."""
    import duckdb

    manifest = json.loads((work / "target" / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((work / "target" / "run_results.json").read_text(encoding="utf-8"))
    status = {result["unique_id"]: result for result in results["results"]}
    failed = [r for r in results["results"] if r["status"] in ("error", "skipped")]
    if failed:
        names = ", ".join(r["unique_id"] for r in failed)
        raise EvaluationError(f"evaluate_project: the evaluator did not run completely: {names}")

    tables = sorted(
        (node["name"], node["relation_name"], node["unique_id"])
        for node in manifest["nodes"].values()
        if node["package_name"] == "dbt_project_evaluator"
        and node["resource_type"] == "model" and node["name"].startswith("fct_")
        and node["config"].get("enabled", True)
    )
    tests_of: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("attached_node"):
            tests_of.setdefault(node["attached_node"], []).append(node["unique_id"])

    connection = duckdb.connect(str(work / "warehouse.duckdb"), read_only=True)
    try:
        out = []
        for name, relation, unique_id in tables:
            cursor = connection.execute(f"select * from {relation}")
            columns = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
            if name in COVERAGE_TABLES:
                # A finding when the coverage test (accepted_range >= target) warns.
                count = sum(
                    int(status[test]["failures"] or 0)
                    for test in tests_of.get(unique_id, []) if test in status
                )
                pct = rows[0][columns.index(COVERAGE_TABLES[name])] if rows else None
                text = [f"{COVERAGE_TABLES[name]} = {pct}"]
            else:
                count = len(rows)
                text = [" | ".join("" if value is None else str(value) for value in row) for row in rows]
            out.append((name, count, columns, text))
        return out
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--evaluator-dir", help="the dbt-project-evaluator package (default: $DBT_PROJECT_EVALUATOR_DIR)")
    parser.add_argument("--utils-dir", help="the dbt-utils package (default: $DBT_UTILS_DIR)")
    parser.add_argument("--landing-dir", default=str(PROJECT_DIR / "tests" / "fixtures" / "landing_csv"),
                        help="landing folder for the project's on-run-start hook (default: the fixtures)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and say where it is")
    parser.add_argument("--quiet", action="store_true", help="print the counts only, not the rows found")
    parser.add_argument("--verbose", action="store_true", help="show dbt's output")
    args = parser.parse_args(argv)

    try:
        evaluator = package_dir(args.evaluator_dir, "DBT_PROJECT_EVALUATOR_DIR", "dbt_project_evaluator", "--evaluator-dir")
        utils = package_dir(args.utils_dir, "DBT_UTILS_DIR", "dbt_utils", "--utils-dir")
        landing_dir = Path(args.landing_dir).resolve()
        if not landing_dir.is_dir():
            raise EvaluationError(f"evaluate_project: no landing folder {landing_dir}")

        work = Path(tempfile.mkdtemp(prefix="kzmig-evaluate-"))
        try:
            copy = work / "project"
            copy_project(copy)
            copy_package(evaluator, copy / "dbt_packages" / "dbt_project_evaluator")
            copy_package(utils, copy / "dbt_packages" / "dbt_utils")
            result = run_evaluator(copy, work, landing_dir, args.verbose)
            if not (work / "target" / "run_results.json").exists() or result.returncode not in (0, 1):
                tail = "\n".join(((result.stdout or "") + (result.stderr or "")).splitlines()[-40:])
                raise EvaluationError(f"evaluate_project: dbt build failed (exit {result.returncode})\n{tail}")
            found = findings(work)
        finally:
            if args.keep:
                print(f"evaluate_project: scratch copy kept in {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
    except EvaluationError as error:
        print(error, file=sys.stderr)
        return 2

    total = 0
    for name, count, columns, rows in found:
        total += count
        print(f"{name}: {count}")
        if count and not args.quiet:
            if name not in COVERAGE_TABLES:
                print("    " + " | ".join(columns))
            for row in rows:
                print("    " + row)
    print(f"total findings: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
