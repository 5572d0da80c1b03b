"""The command line itself: what `kzmig run` does with a landing folder, packaging, and
the behaviour every command shares (help, version, broken pipes, interrupts, errors)."""

from __future__ import annotations

import hashlib
import json
import os
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
    monkeypatch.setattr(kzmig.export, "export_latest",
                        lambda out_dir, **options: calls.append(("export", Path(out_dir))))
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
    assert calls == [("build", landing), ("export", tmp_path / "release")]  # nothing generated again
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
    assert calls == [("build", landing), ("export", tmp_path / "release")]
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
    assert calls == [("generate", landing), ("build", landing), ("export", tmp_path / "release")]
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
