"""What `kzmig build` shows (issue 13): progress, a summary, dbt's full output in a log file.

The command line runs as a user runs it (a subprocess, stdout a pipe, not a terminal), on a
warehouse of its own:

- a build of the hand-written extracts shows the steps and a summary (nodes passed, warned,
  failed, skipped; time; where the warehouse is; the log), none of dbt's own lines, and no
  ANSI escape code; the log file holds dbt's full output (every node's line), without
  escape codes; dbt was told not to colour (--no-use-colors);
- a build with --verbose shows dbt's lines too; when it fails on a malformed delivery
  (submitted_at `not-a-timestamp`) it prints the one message and the log's path on stderr,
  and no traceback;
- the display itself: node counts and statuses read from dbt's JSON events; colour for
  dbt only for shown lines on a terminal without NO_COLOR.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from kzmig.progress import BuildDisplay, DbtRun
from kzmig.project import MALFORMED_DELIVERY_LINE, PROJECT_DIR, dbt_failure

from conftest import FIXTURES_DIR, query

FIXTURE_LANDING = FIXTURES_DIR / "landing_csv"
ANSI = re.compile(r"\x1b[\[\]()#;?]*[0-9;]*[A-Za-z@-~]?")
MALFORMED_MESSAGE = ("malformed delivery coupons_2023_01.csv, row 2, column submitted_at: "
                     "found 'not-a-timestamp'")


def run_kzmig(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """`kzmig <args>` in a process of its own, stdout and stderr pipes, on a warehouse in workdir."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items()
           if key not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "DBT_TARGET")}
    env.update(DBT_DUCKDB_PATH=str(workdir / "warehouse.duckdb"), DBT_TARGET_PATH=str(workdir / "target"),
               DBT_LOG_PATH=str(workdir / "logs"), KZMIG_DUCKDB_TEMP_DIR=str(workdir / "tmp"),
               PYTHONPATH=os.pathsep.join([str(PROJECT_DIR), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    return subprocess.run([sys.executable, "-m", "kzmig.cli", *args], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """`kzmig build` of the hand-written extracts, once for the module."""
    workdir = tmp_path_factory.mktemp("progress_build")
    return run_kzmig(workdir, "build", "--landing-dir", str(FIXTURE_LANDING)), workdir


@pytest.fixture(scope="module")
def failed_verbose_build(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """`kzmig build --verbose` of the extracts with a submitted_at that is not a timestamp."""
    workdir = tmp_path_factory.mktemp("progress_malformed")
    landing = workdir / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    delivery = landing / "coupons_2023_01.csv"
    lines = delivery.read_bytes().split(b"\n")
    assert b",2023-01-20T10:00:00," in lines[2]
    lines[2] = lines[2].replace(b",2023-01-20T10:00:00,", b",not-a-timestamp,")
    delivery.write_bytes(b"\n".join(lines))
    return run_kzmig(workdir, "build", "--verbose", "--landing-dir", str(landing)), workdir


# --- a build of the fixtures -------------------------------------------------------------

def test_the_build_succeeds_and_shows_its_steps_and_a_summary(fixture_build):
    finished, workdir = fixture_build
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    out = finished.stdout
    for step in ("kzmig: landing check", "kzmig: dbt build"):
        assert step in out, out
    # one dbt command: the seeds load inside dbt build, and no unit test runs there
    assert "kzmig: dbt seed" not in out, out
    build_nodes = re.search(r"kzmig: dbt build: done \((\d+) of (\d+) nodes\)", out)
    assert build_nodes and build_nodes.group(1) == build_nodes.group(2), out
    summary = re.search(r"kzmig: done in [0-9.:]+ (s|min): (\d+) passed, (\d+) warned, (\d+) failed, "
                        r"(\d+) skipped(, (\d+) no-op)? of (\d+) nodes \(dbt build\)", out)
    assert summary, out
    passed, warned, failed, skipped, noop, total = (int(summary.group(n) or 0) for n in (2, 3, 4, 5, 7, 8))
    assert (warned, failed, skipped) == (0, 0, 0)
    assert passed + noop == total == int(build_nodes.group(2))
    assert f"kzmig: warehouse: {workdir / 'warehouse.duckdb'}" in out
    assert f"kzmig: log: {workdir / 'logs' / 'kzmig-build.log'}" in out
    assert query(workdir / "warehouse.duckdb", "select count(*) from marts.release_key_points")[0][0] > 0


def test_output_to_a_pipe_has_no_escape_codes_and_none_of_dbts_lines(fixture_build):
    finished, _ = fixture_build
    assert "\x1b" not in finished.stdout and "\x1b" not in finished.stderr
    assert not ANSI.search(finished.stdout)
    assert "Running with dbt=" not in finished.stdout
    assert " START " not in finished.stdout
    assert "Traceback" not in finished.stdout + finished.stderr


def test_the_log_file_holds_dbts_full_output_without_escape_codes(fixture_build):
    finished, workdir = fixture_build
    log = (workdir / "logs" / "kzmig-build.log").read_text(encoding="utf-8")
    assert "\x1b" not in log
    assert log.count("Running with dbt=") == 1  # one dbt build, the seeds included
    assert re.search(r"\d+ of \d+ START seed file reference\.regions", log), log[-3000:]
    assert "START unit_test" not in log
    assert "--log-format json --no-use-colors" in log  # nothing coloured when nothing is shown
    total = int(re.search(r"(\d+) of (\d+) START", log.split("$ dbt build", 1)[1]).group(2))
    for number in range(1, total + 1):  # every node's start and result line of dbt build
        assert len(re.findall(rf"\b{number} of {total} (START|OK|PASS|NO-OP) ", log)) >= 2, number
    assert "Completed successfully" in log
    assert re.search(r"Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0", log)
    assert "kzmig: done in" in log
    # no JSON: the events are written as text
    assert not any(line.lstrip().startswith('{"data"') for line in log.splitlines())


# --- a failing build, with --verbose -----------------------------------------------------

def test_a_failing_build_prints_the_one_message_and_the_log_path(failed_verbose_build):
    finished, workdir = failed_verbose_build
    assert finished.returncode == 1
    log_path = workdir / "logs" / "kzmig-build.log"
    errors = finished.stderr.splitlines()
    assert len(errors) == 2, finished.stderr
    assert errors[0].startswith("kzmig: error: " + MALFORMED_MESSAGE), finished.stderr
    assert errors[1] == f"kzmig: the full log is in {log_path}"
    assert "Traceback" not in finished.stdout + finished.stderr
    assert "kzmig: dbt build: failed" in finished.stdout
    assert "kzmig: done in" not in finished.stdout
    log = log_path.read_text(encoding="utf-8")
    assert MALFORMED_MESSAGE in log and "called by macro prepare_landing" in log


def test_verbose_shows_dbts_lines_without_escape_codes_on_a_pipe(failed_verbose_build):
    finished, _ = failed_verbose_build
    out = finished.stdout
    assert "Running with dbt=" in out
    assert re.search(r"1 of \d+ START hook: kz_migration\.on-run-start\.0", out), out
    assert "Encountered an error" in out
    assert "\x1b" not in out + finished.stderr


# --- the display itself ------------------------------------------------------------------

def event(name: str, msg: str = "", level: str = "info", **data) -> str:
    return json.dumps({"data": data, "info": {"name": name, "level": level, "msg": msg}}) + "\n"


def test_node_counts_and_statuses_come_from_dbts_events():
    run = DbtRun(command="build")
    lines = [
        event("ConcurrencyLine", "Concurrency: 2 threads", node_count=3),
        event("LogHookStartLine", "1 of 2 START hook", index=1, total=2),
        event("LogStartLine", "1 of 4 START sql table model marts.a", index=1, total=4,
              node_info={"node_name": "a", "node_status": "started", "unique_id": "model.p.a"}),
        event("LogModelResult", "1 of 4 OK created", index=1, total=4, status="OK",
              node_info={"node_name": "a", "node_status": "success", "unique_id": "model.p.a"}),
        event("LogTestResult", "2 of 4 WARN 1 test_b", index=2, num_models=4, status="warn",
              node_info={"node_name": "b", "node_status": "warn", "unique_id": "test.p.b"}),
        event("LogModelResult", "3 of 4 ERROR creating c", level="error", index=3, total=4, status="ERROR",
              node_info={"node_name": "c", "node_status": "error", "unique_id": "model.p.c"}),
        event("SkippingDetails", "4 of 4 SKIP relation marts.d", index=4, total=4,
              node_info={"node_name": "d", "node_status": "skipped", "unique_id": "model.p.d"}),
        event("RunResultWarning", "\x1b[33mWarning in test b (tests/b.sql)\x1b[0m", level="warn"),
        event("MainEncounteredError", "Encountered an error:\n  malformed delivery x.csv: found y", level="error"),
        "a line that is not an event\n",
    ]
    assert run.read(lines[0]) == "Concurrency: 2 threads" and run.total == 3
    for line in lines[1:]:
        run.read(line)
    assert run.total == 4 and run.done == 4 and run.current == "a"
    assert dict(run.counts()) == {"passed": 1, "warned": 1, "failed": 1, "skipped": 1}
    assert run.warnings == ["Warning in test b (tests/b.sql)"]
    assert [line for line in run.error_lines() if MALFORMED_DELIVERY_LINE.match(line)] == [
        "malformed delivery x.csv: found y"]
    assert run.text[-1] == "a line that is not an event"


def test_a_failed_node_is_told_in_one_message_from_dbts_account_of_it(tmp_path):
    run = DbtRun(command="build")
    for line in [
        event("ConcurrencyLine", node_count=2),
        event("LogModelResult", "1 of 2 OK created", index=1, total=2,
              node_info={"node_status": "success", "unique_id": "model.p.a"}),
        event("LogTestResult", "2 of 2 FAIL 1 b ........ [FAIL 1 in 0.1s]", level="error", index=2, num_models=2,
              node_info={"node_status": "fail", "unique_id": "test.p.b"}),
        event("EndOfRunSummary", "Completed with 1 error, 0 partial successes, and 0 warnings:"),
        event("RunResultFailure", "Failure in test b (tests/b.sql)", level="error"),
        event("RunResultError", "  Got 1 result, configured to fail if != 0", level="error"),
    ]:
        run.read(line)
    run.returncode = 1
    with BuildDisplay(tmp_path / "kzmig-build.log", quiet=True) as display:
        error = dbt_failure(run, display)
    assert str(error).startswith("dbt build failed (exit 1): 1 failed, 0 skipped of 2 nodes: "
                                 "Failure in test b (tests/b.sql) Got 1 result, configured to fail if != 0\n")
    assert error.log_path == tmp_path / "kzmig-build.log"


@pytest.mark.parametrize("terminal, verbose, no_color, expected", [
    (False, True, False, False),   # a pipe: never
    (True, False, False, False),   # dbt's lines are not shown
    (True, True, True, False),     # NO_COLOR
    (True, True, False, True),
])
def test_dbt_colours_only_shown_lines_on_a_terminal_without_no_color(tmp_path, monkeypatch, terminal, verbose,
                                                                       no_color, expected):
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TERM"):
        monkeypatch.delenv(name, raising=False)
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    console = Console(file=open(os.devnull, "w"), force_terminal=terminal)
    with BuildDisplay(tmp_path / "kzmig-build.log", verbose=verbose, console=console) as display:
        assert display.dbt_colors is expected
    console.file.close()


def test_the_display_on_a_pipe_writes_plain_lines_and_a_log_without_escape_codes(tmp_path, capsys):
    console = Console(file=sys.stdout)  # pytest's captured stdout: not a terminal
    with BuildDisplay(tmp_path / "kzmig-build.log", verbose=True, console=console) as display:
        with display.step("dbt build") as step:
            display.dbt_line("1 of 1 OK created \x1b[32mOK\x1b[0m")
            step.update(1, 1, "a")
        display.summary("/somewhere/warehouse.duckdb")
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "1 of 1 OK created OK" in out and "kzmig: dbt build: done (1 of 1 nodes)" in out
    log = (tmp_path / "kzmig-build.log").read_text(encoding="utf-8")
    assert "\x1b" not in log and "1 of 1 OK created OK" in log
