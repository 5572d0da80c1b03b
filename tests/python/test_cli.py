"""The command line itself: what `kzmig run` does with a landing folder, packaging, and
the behaviour every command shares (help, version, broken pipes, interrupts, errors)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kzmig import run as run_command
from kzmig.cli import main
from kzmig.generate import generate_world
from kzmig.project import PROJECT_DIR, KzmigError

FIXTURE_LANDING = PROJECT_DIR / "tests" / "fixtures" / "landing_csv"
DELIVERY = FIXTURE_LANDING / "coupons_2023_01.csv"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder (relative name -> SHA-256); folders end with '/'."""
    if not folder.exists():
        return {}
    return {str(path.relative_to(folder)) + ("/" if path.is_dir() else ""):
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
            for path in sorted(folder.rglob("*"))}


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """Scratch warehouse paths, and build/generate/export replaced by recorders so that
    a test sees what `kzmig run` would have done without running dbt."""
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(tmp_path / "warehouse" / "wh.duckdb"))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    calls: list[tuple] = []
    import kzmig.build
    import kzmig.export
    import kzmig.generate

    monkeypatch.setattr(kzmig.build, "build", lambda landing, **options: calls.append(("build", Path(landing))))
    monkeypatch.setattr(kzmig.generate, "generate_world",
                        lambda out_dir, **options: calls.append(("generate", Path(out_dir))))
    # the build records a synthetic world and the export reads the mark from the warehouse
    # (test_synthetic_mark): kzmig run hands the export nothing but the folder
    monkeypatch.setattr(kzmig.export, "export_latest", lambda out_dir, **options: calls.append(
        ("export", Path(out_dir), tuple(options))))
    return tmp_path, calls


def run_cli(*args: str) -> int:
    return main(["run", *args])


def assert_nothing_written(tmp_path: Path, landing: Path, before: dict, calls: list) -> None:
    assert snapshot(landing) == before, "the landing folder changed"
    assert calls == [], f"kzmig run went on: {calls}"
    assert not (tmp_path / "warehouse").exists() and not (tmp_path / "release").exists()


# --- 1. kzmig run never mixes synthetic data with real data ------------------------------

@pytest.mark.parametrize("strangers", [
    ["README.md"],                              # a note beside real deliveries
    ["COUPONS_2021_01.CSV"],                    # a delivery under a name the spec does not accept
    ["coupons_2023_01 (1).csv", "notes.txt"],   # a copy, and another file
])
def test_run_refuses_a_folder_holding_files_that_are_not_deliveries(scratch, capsys, strangers):
    tmp_path, calls = scratch
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "coupons_2023_01.csv").write_bytes(DELIVERY.read_bytes())
    for name in strangers:
        (landing / name).write_bytes(DELIVERY.read_bytes())
    before = snapshot(landing)
    assert run_cli("--landing-dir", str(landing), "--out", str(tmp_path / "release")) == 1
    error = capsys.readouterr().err
    assert error.startswith("kzmig: error: ") and "Traceback" not in error
    for name in strangers:
        assert repr(name) in error
    assert "'coupons_2023_01.csv'" not in error  # the delivery is not called a stranger
    assert "never mix" in error and "Nothing was written" in error
    assert_nothing_written(tmp_path, landing, before, calls)


def test_run_refuses_a_folder_holding_only_a_stray_file(scratch, capsys):
    """The old rule (no coupons_*.csv: generate) filled such a folder with the synthetic world."""
    tmp_path, calls = scratch
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "COUPONS_2021_01.CSV").write_bytes(DELIVERY.read_bytes())
    (landing / "sub").mkdir()
    before = snapshot(landing)
    assert run_cli("--landing-dir", str(landing), "--out", str(tmp_path / "release")) == 1
    error = capsys.readouterr().err
    assert "'COUPONS_2021_01.CSV'" in error and "'sub/'" in error
    assert_nothing_written(tmp_path, landing, before, calls)


def test_run_with_synthetic_refuses_any_file(scratch, capsys):
    tmp_path, calls = scratch
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "coupons_2023_01.csv").write_bytes(DELIVERY.read_bytes())
    before = snapshot(landing)
    assert run_cli("--synthetic", "--landing-dir", str(landing), "--out", str(tmp_path / "release")) == 1
    error = capsys.readouterr().err
    assert "--synthetic" in error and "'coupons_2023_01.csv'" in error
    assert "synthetic data must never mix with real data" in error
    assert_nothing_written(tmp_path, landing, before, calls)


def test_run_with_synthetic_refuses_even_a_previous_synthetic_world(scratch, capsys):
    tmp_path, calls = scratch
    landing = tmp_path / "landing"
    generate_world(landing, years=1, scale=0.01, progress=False)  # the real generator, before the patch
    before = snapshot(landing)
    assert run_cli("--synthetic", "--landing-dir", str(landing), "--out", str(tmp_path / "release")) == 1
    error = capsys.readouterr().err
    assert "never mix" in error and "run without --synthetic" in error
    assert_nothing_written(tmp_path, landing, before, calls)


def test_run_accepts_a_previous_synthetic_world_and_says_it_is_synthetic(scratch, capsys):
    tmp_path, calls = scratch
    landing = tmp_path / "landing"
    manifest = generate_world(landing, years=1, scale=0.01, progress=False)
    assert sorted(path.name for path in landing.iterdir()) == sorted([*manifest["files"], "manifest.json"])
    assert run_command.landing_state(landing) == (run_command.SYNTHETIC, sorted(manifest["files"]))
    assert run_cli("--landing-dir", str(landing), "--out", str(tmp_path / "release")) == 0
    assert calls == [("build", landing), ("export", tmp_path / "release", ())]  # nothing generated again
    assert "holds a SYNTHETIC world" in capsys.readouterr().out


@pytest.mark.parametrize("change", ["extra real delivery", "delivery removed", "not the generator's"])
def test_run_refuses_a_synthetic_world_mixed_with_other_deliveries(scratch, capsys, change):
    tmp_path, calls = scratch
    landing = tmp_path / "landing"
    generate_world(landing, years=1, scale=0.01, progress=False)
    if change == "extra real delivery":
        (landing / "coupons_2023_01.csv").write_bytes(DELIVERY.read_bytes())
        named = "'coupons_2023_01.csv'"
    elif change == "delivery removed":
        (landing / "coupons_2021_05.csv").unlink()
        named = "'coupons_2021_05.csv'"
    else:
        manifest = json.loads((landing / "manifest.json").read_text(encoding="utf-8"))
        manifest["synthetic"] = False
        (landing / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        named = "'manifest.json'"
    before = snapshot(landing)
    assert run_cli("--landing-dir", str(landing), "--out", str(tmp_path / "release")) == 1
    error = capsys.readouterr().err
    assert named in error and "never mix" in error
    assert_nothing_written(tmp_path, landing, before, calls)


def test_run_builds_a_folder_of_deliveries_as_real_extracts(scratch, capsys):
    tmp_path, calls = scratch
    landing = tmp_path / "landing"
    landing.mkdir()
    for path in FIXTURE_LANDING.iterdir():
        (landing / path.name).write_bytes(path.read_bytes())
    before = snapshot(landing)
    assert run_cli("--landing-dir", str(landing), "--out", str(tmp_path / "release")) == 0
    assert calls == [("build", landing), ("export", tmp_path / "release", ())]
    output = capsys.readouterr().out
    assert "as real extracts" in output and "SYNTHETIC" not in output
    assert snapshot(landing) == before


@pytest.mark.parametrize("synthetic", [False, True])
@pytest.mark.parametrize("exists", [False, True])
def test_run_generates_into_a_new_or_empty_folder_and_says_so(scratch, capsys, synthetic, exists):
    tmp_path, calls = scratch
    landing = tmp_path / "landing"
    if exists:
        landing.mkdir()
    flags = ["--synthetic"] if synthetic else []
    assert run_cli(*flags, "--landing-dir", str(landing), "--out", str(tmp_path / "release")) == 0
    assert calls == [("generate", landing), ("build", landing), ("export", tmp_path / "release", ())]
    output = capsys.readouterr().out
    assert "SYNTHETIC" in output and "NOT real coupons" in output
    assert ("is empty" if exists else "does not exist") in output


def test_landing_state_refuses_a_file_as_landing_folder(tmp_path):
    path = tmp_path / "coupons_2023_01.csv"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(KzmigError, match="is not a folder"):
        run_command.prepare_landing(path)
    with pytest.raises(KzmigError, match="is a file"):
        run_command.prepare_landing(path, synthetic=True)


# --- 3. what every command shares ---------------------------------------------------------

def cli_environment(workdir: Path) -> dict[str, str]:
    """The environment of a `kzmig` subprocess: this source tree first, scratch warehouse paths."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "KZMIG_"))}
    env.update(PYTHONPATH=str(PROJECT_DIR), DBT_DUCKDB_PATH=str(workdir / "warehouse.duckdb"),
               DBT_TARGET_PATH=str(workdir / "target"), DBT_LOG_PATH=str(workdir / "logs"),
               KZMIG_DUCKDB_TEMP_DIR=str(workdir / "tmp"))
    return env


KZMIG = f"{sys.executable} -m kzmig.cli"


def shell(script: str, workdir: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", script], cwd=workdir, env=cli_environment(workdir),
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory) -> Path:
    """`kzmig run` on the hand-written fixture deliveries, once: a real folder of
    deliveries, built as real extracts, and its latest release exported."""
    workdir = tmp_path_factory.mktemp("fixture_run")
    (workdir / "tmp").mkdir()
    result = shell(f"{KZMIG} run --landing-dir {FIXTURE_LANDING} --out {workdir / 'release'}", workdir,
                   timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "as real extracts" in result.stdout and "SYNTHETIC" not in result.stdout
    return workdir


def test_run_builds_and_exports_a_folder_of_real_deliveries(fixture_run):
    assert (fixture_run / "warehouse.duckdb").is_file()
    releases = [path for path in (fixture_run / "release").iterdir() if path.is_dir()]
    assert len(releases) == 1 and (releases[0] / "release.json").is_file()
    assert sorted(path.name for path in FIXTURE_LANDING.iterdir()) == [
        "coupons_2023_01.csv", "coupons_2023_02.csv", "coupons_2023_03.csv", "coupons_2023_05.csv"]


def test_export_list_into_head_ends_cleanly(fixture_run):
    listing = shell(f"{KZMIG} export --list", fixture_run)
    assert listing.returncode == 0 and listing.stderr == ""
    lines = listing.stdout.splitlines()
    assert lines[0].startswith("release") and len(lines) > 1
    result = shell(f'{KZMIG} export --list | head -1; echo "status=${{PIPESTATUS[0]}}"', fixture_run)
    first, status = result.stdout.splitlines()
    assert first == lines[0]
    # 0 when kzmig wrote everything before head left; 141 (SIGPIPE) when it wrote after.
    assert status in ("status=0", "status=141")
    assert result.stderr == "", result.stderr  # no Traceback, no BrokenPipeError


SIGPIPE_SCRIPT = """\
{{ while [ ! -e reader_gone ]; do sleep 0.05; done; {command}; echo "status=$?" > status; }} \
  | {{ exec 0<&-; touch reader_gone; }}
cat status"""


@pytest.mark.parametrize("command, status", [
    ("export --list", 141),
    ("--version", 0),
    ("--help", 0),  # argparse itself ignores a failed write of the help or version
])
def test_a_reader_gone_away_ends_the_command_quietly(fixture_run, command, status):
    """The reader closes the pipe before kzmig writes a byte: every write fails."""
    (fixture_run / "reader_gone").unlink(missing_ok=True)
    result = shell(SIGPIPE_SCRIPT.format(command=f"{KZMIG} {command}"), fixture_run)
    assert result.stdout.strip() == f"status={status}", result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
    assert result.stderr == ""


def test_an_error_is_one_line_without_traceback(tmp_path):
    result = shell(f"{KZMIG} export --list --warehouse {tmp_path / 'none.duckdb'}", tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("kzmig: error: no published warehouse at ")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_ctrl_c_prints_one_line_and_exits_130(tmp_path):
    import signal
    import time

    out = tmp_path / "world"
    # A job started in the background of a non-interactive shell inherits SIGINT ignored
    # (and Python then keeps ignoring it, as a program run with nohup or & should): give
    # the command the terminal's default, as Ctrl-C meets it.
    process = subprocess.Popen([sys.executable, "-m", "kzmig.cli", "generate", "--out", str(out), "--quiet"],
                               cwd=tmp_path, env=cli_environment(tmp_path), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not out.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "generate ended before it could be interrupted"
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr == "kzmig: stopped by SIGINT\n"


def test_help_says_what_each_command_is_for(capsys):
    from kzmig.cli import COMMANDS

    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    commands = text.split("commands:")[1].split("the two main workflows:")[0]
    described = dict(re.findall(r"^    (\w+) +(\S.*)$", commands, flags=re.MULTILINE))
    assert sorted(described) == sorted(COMMANDS)
    for name in COMMANDS:
        assert len(described[name].split()) >= 4, f"no description of {name} in kzmig --help"
    workflows = text.split("the two main workflows:")[1]
    assert "kzmig run" in workflows and "kzmig build --landing-dir" in workflows
    assert "kzmig export" in workflows and "SYNTHETIC" in workflows


def test_version_is_the_package_version(capsys, monkeypatch):
    import importlib.metadata

    import tomllib

    from kzmig import cli

    declared = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"kzmig {importlib.metadata.version('kzmig')}\n"

    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert cli.package_version() == f"{declared} (not installed)"


# --- 2. packaging -------------------------------------------------------------------------

def pyproject() -> dict:
    import tomllib

    return tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_requirements() -> dict[str, list]:
    """'core' and each extra -> its requirements (packaging.requirements.Requirement)."""
    from packaging.requirements import Requirement

    project = pyproject()["project"]
    declared = {"core": [Requirement(text) for text in project["dependencies"]]}
    for extra, texts in project.get("optional-dependencies", {}).items():
        declared[extra] = [Requirement(text) for text in texts]
    return declared


def runtime_imports() -> set[str]:
    """Every module the kzmig package imports (absolute imports), outside kzmig and the
    standard library."""
    import ast

    modules = set()
    for path in (PROJECT_DIR / "kzmig").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module)
    return {module for module in modules
            if module.split(".")[0] not in sys.stdlib_module_names and module.split(".")[0] != "kzmig"}


def owning_distributions(modules: set[str]) -> dict[str, str]:
    """module -> the installed distribution whose files hold it."""
    import importlib.metadata
    import importlib.util

    origins = {}
    for module in modules:
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.origin, f"kzmig imports {module}, which is not installed"
        origins[Path(spec.origin).resolve()] = module
    owners = {}
    for distribution in importlib.metadata.distributions():
        for file in distribution.files or []:
            module = origins.get(Path(distribution.locate_file(file)).resolve())
            if module is not None:
                owners[module] = canonical(distribution.metadata["Name"])
    return owners


def test_every_runtime_import_is_a_declared_dependency():
    imports = runtime_imports()
    assert {"duckdb", "numpy", "pandas", "pyarrow", "openpyxl", "psycopg2",
            "dbt.adapters.duckdb.plugins"} <= imports  # the scan sees them
    owners = owning_distributions(imports)
    assert set(owners) == imports, f"no distribution found for {imports - set(owners)}"
    declared = {extra: {canonical(requirement.name) for requirement in requirements}
                for extra, requirements in declared_requirements().items()}
    core, postgres = declared["core"], declared["postgres"]
    undeclared = {module: owner for module, owner in owners.items() if owner not in core | postgres}
    assert not undeclared, f"imported at run time but not declared in pyproject.toml: {undeclared}"
    # Only the PostgreSQL client may be optional; everything else is a core dependency.
    assert {owner for owner in owners.values() if owner not in core} == {"psycopg2-binary"}
    # And nothing declared that kzmig does not use (dbt-core: kzmig runs its `dbt` command;
    # dbt-postgres: dbt's adapter of the postgres target).
    assert core - set(owners.values()) == {"dbt-core"}
    assert postgres - set(owners.values()) == {"dbt-postgres"}


def test_the_pinned_set_satisfies_the_declared_ranges():
    pins = {}
    for line in (PROJECT_DIR / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("#")[0].strip().split("==")
            pins[canonical(name)] = version
    for extra, requirements in declared_requirements().items():
        for requirement in requirements:
            if canonical(requirement.name) == "kzmig":
                continue
            name = canonical(requirement.name)
            assert name in pins, f"{name} ({extra}) is not pinned in requirements.txt"
            assert requirement.specifier.contains(pins[name]), \
                f"requirements.txt pins {name}=={pins[name]}, outside {requirement.specifier} ({extra})"


def source_tree(tmp_path: Path) -> Path:
    """The files `pip install .` packages, copied (so that pip writes no build files here)."""
    import shutil

    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(PROJECT_DIR / "pyproject.toml", source)
    shutil.copytree(PROJECT_DIR / "kzmig", source / "kzmig", ignore=shutil.ignore_patterns("__pycache__"))
    return source


def test_pip_install_gives_a_working_kzmig(tmp_path):
    """A fresh virtual environment, `pip install .` of this source tree: --version, --help,
    the package data, the declared requirements in the metadata, and a clear refusal of
    the commands that need the dbt project, which a plain install does not carry."""
    import sysconfig

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site_packages = Path(subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    # The dependencies: those of the environment running the tests (see the next test for
    # their resolution from the index). A plain path: its .pth files (an editable kzmig) stay unread.
    (site_packages / "tested_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV") and not key.startswith(("DBT_", "KZMIG_"))}
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                              "--quiet", str(source_tree(tmp_path))],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr

    def kzmig(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
        return subprocess.run([venv / "bin" / "kzmig", *args], cwd=tmp_path, env={**env, **extra_env},
                              capture_output=True, text=True, timeout=120)

    version = kzmig("--version")
    assert version.returncode == 0 and version.stdout == f"kzmig {pyproject()['project']['version']}\n"
    assert "(not installed)" not in version.stdout
    help_text = kzmig("--help")
    assert help_text.returncode == 0 and "the two main workflows" in help_text.stdout
    installed = subprocess.run(
        [python, "-c", "import importlib.metadata as m, kzmig, pathlib; "
                       "root = pathlib.Path(kzmig.__file__).parent; print(root); "
                       "print((root / 'generator' / 'world.toml').is_file(), (root / 'bench' / 'floor.sql').is_file(), "
                       "(root / 'export' / 'templates' / 'release_page.html.j2').is_file()); "
                       "print(m.requires('kzmig'))"],
        cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout.splitlines()
    assert Path(installed[0]).is_relative_to(site_packages)  # this install, not the checkout
    assert installed[1] == "True True True"  # package data
    for requirement in declared_requirements()["core"]:
        assert str(requirement) in installed[2]
    assert "extra == \"postgres\"" in installed[2]

    out = tmp_path / "world"
    refused = kzmig("generate", "--out", str(out))
    assert refused.returncode == 1 and not out.exists()
    assert refused.stderr.startswith("kzmig: error: the dbt project of the warehouse is not at ")
    assert "KZMIG_PROJECT_DIR" in refused.stderr and "Traceback" not in refused.stderr
    # Pointed at the checkout, the installed command line works on it.
    pointed = kzmig("export", "--list", "--warehouse", str(tmp_path / "none.duckdb"),
                    KZMIG_PROJECT_DIR=str(PROJECT_DIR))
    assert pointed.returncode == 1 and pointed.stderr.startswith("kzmig: error: no published warehouse at ")


def pypi_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not pypi_reachable(), reason="resolving the declared dependencies needs PyPI")
def test_the_declared_dependencies_resolve(tmp_path):
    """pip resolves `.[postgres]` from the package index alone (nothing installed counts),
    to a dbt 1.11 on DuckDB and PostgreSQL."""
    report = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
         "--report", str(report), f"{source_tree(tmp_path)}[postgres]"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    resolved = {canonical(item["metadata"]["name"]): item["metadata"]["version"]
                for item in json.loads(report.read_text(encoding="utf-8"))["install"]}
    for requirement in [*declared_requirements()["core"], *declared_requirements()["postgres"]]:
        name = canonical(requirement.name)
        assert name in resolved and requirement.specifier.contains(resolved[name]), (name, resolved.get(name))
    assert resolved["dbt-core"].startswith("1.11.")


def test_a_missing_optional_dependency_is_named_with_its_extra(monkeypatch, capsys):
    """Without the PostgreSQL client (a plain `pip install kzmig`), kzmig load says what to install."""
    monkeypatch.setitem(sys.modules, "psycopg2", None)  # import psycopg2 -> ModuleNotFoundError
    assert main(["load", "--landing-dir", str(FIXTURE_LANDING)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("kzmig: error: the Python module 'psycopg2' is not installed")
    assert "pip install 'kzmig[postgres]'" in error and "Traceback" not in error
