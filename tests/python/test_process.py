"""kzmig as a process (kzmig.process, kzmig.cli): stop signals, the dbt child, operating-system
errors and the command line.

- A stop signal (SIGTERM, SIGINT, SIGHUP) to `kzmig build` while dbt runs: nothing is
  published, the build is logged 'aborted', no dbt process is left, kzmig exits 128 + the
  signal with one line; the next build recovers and publishes. A real build of the fixture
  deliveries, in a subprocess, stopped while its nodes run.
- The publication's commit point and a stop are ordered by the control file: a stop before
  it refuses the rename, a stop after it finds the publication done.
- A second build beside a running one is refused before it touches anything of the first,
  its log included.
- Every operating-system error (permission denied, a file-size limit standing in for a full
  disk, a missing or read-only folder, a file where a folder is expected) is one line
  `kzmig: error: …` naming the path, exit status 1, no traceback, in every command.
  Permission tests run the command as the user nobody (setpriv) when the tests run as
  root, since root reads and writes through any mode bits.
- The command line is checked before anything runs: a bad --cutoff, an unknown option.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import kzmig.export as release_export
from kzmig import process, publish
from kzmig.cli import main
from kzmig.project import PROJECT_DIR, KzmigError

from conftest import FIXTURES_DIR

FIXTURE_LANDING = FIXTURES_DIR / "landing_csv"
STOP_SIGNALS = [signal.SIGTERM, signal.SIGINT, signal.SIGHUP]


def environment(workdir: Path) -> dict[str, str]:
    """A kzmig subprocess's environment: this source tree, everything under workdir (the
    PostgreSQL server's settings kept)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DBT_", "KZMIG_")) or key.startswith("KZMIG_PG_")}
    env.update(PYTHONPATH=str(PROJECT_DIR), DBT_DUCKDB_PATH=str(workdir / "warehouse.duckdb"),
               DBT_TARGET_PATH=str(workdir / "target"), DBT_LOG_PATH=str(workdir / "logs"),
               KZMIG_DUCKDB_TEMP_DIR=str(workdir / "tmp"), HOME=str(workdir))
    return env


def kzmig(*args: str, workdir: Path, prefix: tuple[str, ...] = (), shell_prefix: str = "",
          timeout: float = 600, **env: str) -> subprocess.CompletedProcess:
    command = [*prefix, sys.executable, "-m", "kzmig.cli", *args]
    if shell_prefix:  # e.g. a file-size limit: bash sets it, then execs kzmig
        command = ["bash", "-c", shell_prefix + ' exec "$@"', "bash", *command]
    return subprocess.run(command, cwd=workdir, env={**environment(workdir), **env}, capture_output=True,
                          text=True, timeout=timeout)


def start_build(workdir: Path, landing: Path = FIXTURE_LANDING) -> subprocess.Popen:
    """kzmig build in a subprocess; the last build's log is removed first, so that
    wait_for_nodes reads this build's."""
    (workdir / "logs" / "kzmig-build.log").unlink(missing_ok=True)
    # A job started in the background of a non-interactive shell inherits SIGINT ignored:
    # give the command the default, as a terminal's Ctrl-C meets it.
    # --force: the warehouse is already built on these deliveries, and the build must run
    return subprocess.Popen([sys.executable, "-m", "kzmig.cli", "build", "--force", "--landing-dir", str(landing)],
                            cwd=workdir, env=environment(workdir), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for_nodes(workdir: Path, build: subprocess.Popen, started: int = 20, timeout: float = 300) -> None:
    """Until dbt has started `started` nodes of the build (its log says so)."""
    log = workdir / "logs" / "kzmig-build.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert build.poll() is None, "the build ended before it could be stopped"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        if text.count(" START sql ") >= started:
            return
        time.sleep(0.1)
    raise AssertionError("dbt did not start running nodes")


def processes_of(workdir: Path) -> list[str]:
    """The processes (pid and command) whose environment names workdir's target folder:
    kzmig's dbt and every process dbt started."""
    marker = f"DBT_TARGET_PATH={workdir / 'target'}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append(f"{entry.name}: {command}")
        except OSError:
            continue
    return found


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_build(workdir: Path) -> str:
    with duckdb.connect(str(workdir / "warehouse_marts.duckdb"), read_only=True) as connection:
        return connection.execute("select invocation_id from meta.publication").fetchone()[0]


def build_runs(workdir: Path) -> list[tuple]:
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as connection:
        return connection.execute("select invocation_id, status, finished_at is not null "
                                  "from audit.build_runs order by started_at").fetchall()


def assert_one_error_line(result: subprocess.CompletedProcess, *needles: str) -> str:
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("kzmig: error:")]
    assert len(errors) == 1 and result.stderr.splitlines()[0] == errors[0], result.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


# --- stop signals -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def stoppable(tmp_path_factory) -> Path:
    """A workdir whose warehouse was built and published once, by kzmig build."""
    workdir = tmp_path_factory.mktemp("stoppable")
    (workdir / "tmp").mkdir()
    result = kzmig("build", "--landing-dir", str(FIXTURE_LANDING), workdir=workdir)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return workdir


NODES_RUNNING, PUBLISHING, JUST_PUBLISHED = "nodes running", "publishing", "just published"
# What the build's log shows at each moment (dbt's lines as kzmig logs them).
MOMENTS = {
    # The hook before publish_marts has ended: the publication runs (about 3 s on the
    # fixtures; dbt logs a hook's START only once its Jinja, the publication here, is done).
    PUBLISHING: "OK hook: kz_migration.on-run-end.0 ",
    JUST_PUBLISHED: "Published ",  # the rename is done; record_build_end is next
}


def wait_for(workdir: Path, build: subprocess.Popen, moment: str, timeout: float = 300) -> None:
    if moment == NODES_RUNNING:
        wait_for_nodes(workdir, build, timeout=timeout)
        return
    log = workdir / "logs" / "kzmig-build.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert build.poll() is None, f"the build ended before the moment {moment!r}"
        if log.exists() and MOMENTS[moment] in log.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.02)
    raise AssertionError(f"the build did not reach the moment {moment!r}")


@pytest.mark.parametrize("signum, moment", [
    (signal.SIGTERM, NODES_RUNNING), (signal.SIGINT, NODES_RUNNING), (signal.SIGHUP, NODES_RUNNING),
    (signal.SIGTERM, PUBLISHING), (signal.SIGINT, JUST_PUBLISHED),
], ids=lambda value: signal.Signals(value).name if isinstance(value, int) else value.replace(" ", "-"))
def test_a_stop_signal_to_kzmig_while_dbt_runs_publishes_nothing_logs_aborted_and_leaves_no_dbt(
        stoppable, signum, moment):
    """A stop before the publication's commit point publishes nothing and logs the build
    'aborted'; a stop that comes after it (JUST_PUBLISHED: the rename may be done) finds
    the build published and logged as it ended. Either way no dbt process is left."""
    workdir = stoppable
    published = workdir / "warehouse_marts.duckdb"
    before, before_digest = published_build(workdir), file_digest(published)
    build = start_build(workdir)
    try:
        wait_for(workdir, build, moment)
        assert processes_of(workdir), "no dbt process found while the build runs"
        build.send_signal(signum)  # to kzmig alone, as `kill PID` or systemd sends it
        stdout, stderr = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            build.kill()
    name = signal.Signals(signum).name
    assert build.returncode == 128 + signum, stderr
    assert processes_of(workdir) == []
    invocation, status, finished = build_runs(workdir)[-1]
    assert invocation != before and finished
    if moment == JUST_PUBLISHED and published_build(workdir) == invocation:
        # the stop came after the rename: the publication stands, the build says so
        assert status == "success"
        assert stderr == (f"kzmig: stopped by {name}: the build had already published its marts (the stop "
                          "came after the publication's commit point) and is logged as it ended\n"), stderr
        return
    assert stderr == f"kzmig: stopped by {name}: nothing published, the build is logged 'aborted' in " \
                     "audit.build_runs\n", stderr
    assert published_build(workdir) == before and file_digest(published) == before_digest
    assert status == "aborted"
    assert f"kzmig: stopped by {name}" in (workdir / "logs" / "kzmig-build.log").read_text(encoding="utf-8")


def test_a_second_build_beside_a_running_one_is_refused_before_touching_its_log(stoppable):
    workdir = stoppable
    log = workdir / "logs" / "kzmig-build.log"
    first = start_build(workdir)
    try:
        wait_for_nodes(workdir, first, started=10)
        head = log.read_text(encoding="utf-8")[:2000]
        second = kzmig("build", "--landing-dir", str(FIXTURE_LANDING), workdir=workdir, timeout=60)
        assert second.returncode == 1 and "Traceback" not in second.stderr
        assert second.stderr.startswith(f"kzmig: error: another kzmig build (pid {first.pid}) is running on "
                                         f"the warehouse {workdir / 'warehouse.duckdb'}"), second.stderr
        assert "nothing was touched" in second.stderr and len(second.stderr.splitlines()) == 1
        assert log.read_text(encoding="utf-8").startswith(head), "the second build truncated the log"
        assert first.poll() is None, "the second build stopped the first"
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 128 + signal.SIGTERM


def test_the_next_build_after_a_stop_recovers_and_publishes(stoppable):
    workdir = stoppable
    stopped = [row for row in build_runs(workdir) if row[1] == "aborted"]
    assert len(stopped) >= 4  # the stops above
    result = kzmig("build", "--landing-dir", str(FIXTURE_LANDING), workdir=workdir)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    invocation, status, finished = build_runs(workdir)[-1]
    assert (status, finished) == ("success", True)
    assert published_build(workdir) == invocation
    assert [row for row in build_runs(workdir) if row[1] == "aborted"] == stopped
    assert list(workdir.glob(".warehouse_marts.duckdb.tmp-*")) == []
    assert processes_of(workdir) == []


# --- the publication's commit point and a stop -------------------------------------------

@pytest.fixture
def control(tmp_path, monkeypatch) -> Path:
    """A dbt process's view of a kzmig build: the control file, kzmig as its parent."""
    path = tmp_path / "control"
    path.touch()
    monkeypatch.setenv(process.CONTROL_VARIABLE, str(path))
    monkeypatch.setenv(process.PARENT_VARIABLE, str(os.getppid()))
    return path


def publication_files(tmp_path: Path) -> tuple[Path, Path]:
    """A published name that leads to an old publication (published as plain dbt would,
    without a control file), and the temporary file of a new one, written and closed."""
    build, configured = str(tmp_path / "build.duckdb"), str(tmp_path / "marts.duckdb")
    saved = {name: os.environ.pop(name, None) for name in (process.CONTROL_VARIABLE, process.PARENT_VARIABLE)}
    try:
        old, final = publish.start_publication(build, configured, "old")
        old.write_bytes(b"old publication")
        publish.finish_publication(old, final)
    finally:
        os.environ.update({name: value for name, value in saved.items() if value is not None})
    temporary, _ = publish.start_publication(build, configured, "new")
    temporary.write_bytes(b"new publication")
    return temporary, final


def test_a_stop_before_the_publication_commit_point_publishes_nothing(control, tmp_path):
    temporary, final = publication_files(tmp_path)
    assert process.request_stop(control) is False
    with pytest.raises(KzmigError, match="told to stop .*nothing published"):
        publish.finish_publication(temporary, final)
    assert final.read_bytes() == b"old publication" and not temporary.exists()
    # nothing of the refused publication is left beside the old one
    assert [path.name.endswith("-old") for path in publish.publications_folder(final).iterdir()] == [True]


def test_a_stop_after_the_publication_commit_point_finds_it_published(control, tmp_path):
    temporary, final = publication_files(tmp_path)
    publish.finish_publication(temporary, final)
    assert final.read_bytes() == b"new publication"
    assert process.request_stop(control) is True
    assert process.was_published(control)


def test_a_dbt_whose_kzmig_is_gone_publishes_nothing(control, tmp_path, monkeypatch):
    temporary, final = publication_files(tmp_path)
    monkeypatch.setenv(process.PARENT_VARIABLE, "1" if os.getppid() != 1 else "2")
    with pytest.raises(KzmigError, match="is gone"):
        publish.finish_publication(temporary, final)
    assert final.read_bytes() == b"old publication"


def test_plain_dbt_publishes_without_a_control_file(tmp_path, monkeypatch):
    monkeypatch.delenv(process.CONTROL_VARIABLE, raising=False)
    temporary, final = publication_files(tmp_path)
    publish.finish_publication(temporary, final)
    assert final.read_bytes() == b"new publication"


def test_a_stop_signal_reaches_the_whole_process_group_of_the_child(tmp_path):
    """A child and its own child (as dbt and its helpers) both end on a forwarded signal,
    and Child.finish raises Stopped with the signal."""
    script = ("import subprocess, sys, time; "
              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']); "
              "print('ready', flush=True); time.sleep(300)")
    child = process.Child([sys.executable, "-c", script], env=dict(os.environ), cwd=tmp_path,
                          stdout=subprocess.PIPE, text=True)
    assert child.process.stdout.readline() == "ready\n"
    group = [pid for pid in os.listdir("/proc") if pid.isdigit() and _pgid(int(pid)) == child.pgid]
    assert len(group) == 2 and child.pgid != os.getpgid(0)
    child._on_signal(signal.SIGTERM, None)  # what the handler does when kzmig gets SIGTERM
    with pytest.raises(process.Stopped) as stopped:
        child.finish()
    assert stopped.value.status == 143 and stopped.value.published is False
    time.sleep(0.2)
    assert [pid for pid in group if _alive(int(pid))] == []
    assert not Path(child.control).exists()


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signum", STOP_SIGNALS, ids=lambda signum: signal.Signals(signum).name)
def test_a_stop_signal_before_dbt_runs_is_one_line_and_its_exit_status(tmp_path, signum):
    """kzmig generate (no dbt) stopped by each signal: 128 + the signal, one line."""
    out = tmp_path / "world"
    command = [sys.executable, "-m", "kzmig.cli", "generate", "--out", str(out), "--quiet"]
    running = subprocess.Popen(command, cwd=tmp_path, env=environment(tmp_path), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not out.exists() and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.poll() is None, "generate ended before it could be stopped"
    time.sleep(0.3)
    running.send_signal(signum)
    _, stderr = running.communicate(timeout=60)
    assert running.returncode == 128 + signum
    assert stderr == f"kzmig: stopped by {signal.Signals(signum).name}\n"


# --- operating-system errors ------------------------------------------------------------

AS_NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")


@pytest.fixture
def unprivileged() -> tuple[str, ...]:
    """The prefix that runs a command without the right to bypass permissions: as nobody
    when the tests run as root (root reads and writes through any mode bits)."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return AS_NOBODY


@pytest.fixture
def open_workdir() -> Path:
    """A workdir that nobody may use too (the permission tests take rights away inside):
    outside pytest's temporary folders, which only their owner may enter."""
    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix="kzmig-os-errors-"))
    workdir.chmod(0o777)
    yield workdir
    for path in [workdir, *workdir.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o777)
    shutil.rmtree(workdir)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A published file to export from: the fixture build's (a build of its own)."""
    workdir = tmp_path_factory.mktemp("published")
    (workdir / "tmp").mkdir()
    result = kzmig("build", "--landing-dir", str(FIXTURE_LANDING), workdir=workdir)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return workdir / "warehouse_marts.duckdb"


def test_an_os_error_unreadable_delivery_is_one_line_naming_it(open_workdir, unprivileged):
    landing = open_workdir / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    landing.chmod(0o755)
    (landing / "coupons_2023_02.csv").chmod(0o000)
    result = kzmig("build", "--landing-dir", str(landing), workdir=open_workdir, prefix=unprivileged)
    assert_one_error_line(result, "Permission denied", str(landing / "coupons_2023_02.csv"))
    assert not (open_workdir / "warehouse_marts.duckdb").exists()


def test_an_os_error_unreadable_landing_folder_is_one_line_naming_it(open_workdir, unprivileged):
    landing = open_workdir / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    landing.chmod(0o000)
    result = kzmig("build", "--landing-dir", str(landing), workdir=open_workdir, prefix=unprivileged)
    assert_one_error_line(result, "Permission denied", str(landing))


def test_an_os_error_read_only_log_folder_is_one_line_naming_it(open_workdir, unprivileged):
    read_only = open_workdir / "read-only"
    read_only.mkdir(mode=0o555)
    read_only.chmod(0o555)
    result = kzmig("build", "--landing-dir", str(FIXTURE_LANDING), workdir=open_workdir, prefix=unprivileged,
                   DBT_LOG_PATH=str(read_only / "logs"))
    assert_one_error_line(result, "Permission denied", str(read_only / "logs"))


@pytest.mark.parametrize("variable", ["DBT_LOG_PATH", "DBT_TARGET_PATH"])
def test_an_os_error_a_file_where_a_folder_is_expected_is_one_line_naming_it(tmp_path, variable):
    (tmp_path / "tmp").mkdir()
    (tmp_path / "a-file").write_text("not a folder\n")
    result = kzmig("build", "--landing-dir", str(FIXTURE_LANDING), workdir=tmp_path,
                   **{variable: str(tmp_path / "a-file" / "inside")})
    assert_one_error_line(result, "Not a directory", str(tmp_path / "a-file"))


def test_an_os_error_landing_folder_that_is_a_file_or_missing_is_one_line(tmp_path):
    (tmp_path / "a-file").write_text("x\n")
    assert_one_error_line(kzmig("build", "--landing-dir", str(tmp_path / "a-file"), workdir=tmp_path),
                          f"landing folder {tmp_path / 'a-file'} is not a folder")
    assert_one_error_line(kzmig("build", "--landing-dir", str(tmp_path / "none"), workdir=tmp_path),
                          f"landing folder {tmp_path / 'none'} does not exist")


def test_an_os_error_file_size_limit_under_the_build_is_one_line(tmp_path):
    """A full disk, simulated by a 20 KiB file-size limit (SIGXFSZ ignored, so writes fail
    with EFBIG): kzmig's own log or dbt's writes hit it first; either way one line."""
    (tmp_path / "tmp").mkdir()
    result = kzmig("build", "--landing-dir", str(FIXTURE_LANDING), workdir=tmp_path,
                   shell_prefix="trap '' XFSZ; ulimit -f 20;")
    line = assert_one_error_line(result)
    assert (f"cannot write the log {tmp_path / 'logs' / 'kzmig-build.log'}: File too large" in line
            or line.startswith("kzmig: error: dbt build failed")), line
    assert processes_of(tmp_path) == []
    assert not (tmp_path / "warehouse_marts.duckdb").exists()


def test_an_os_error_export_out_unwritable_or_a_file_is_one_line_naming_it(published, open_workdir,
                                                                           unprivileged):
    marts = open_workdir / "x_marts.duckdb"
    shutil.copyfile(published, marts)
    read_only = open_workdir / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    result = kzmig("export", "--latest", "--published", str(marts), "--out", str(read_only / "release"),
                   workdir=open_workdir, prefix=unprivileged)
    assert_one_error_line(result, "Permission denied", str(read_only / "release"))
    (open_workdir / "a-file").write_text("x\n")
    result = kzmig("export", "--latest", "--published", str(published), "--out", str(open_workdir / "a-file"),
                   workdir=open_workdir)
    assert_one_error_line(result, str(open_workdir / "a-file"))


def test_an_os_error_export_under_a_file_size_limit_names_the_release_folder(published, tmp_path):
    result = kzmig("export", "--latest", "--published", str(published), "--out", str(tmp_path / "out"),
                   workdir=tmp_path, shell_prefix="trap '' XFSZ; ulimit -f 30;")
    assert_one_error_line(result, "File too large", str(tmp_path / "out"))
    assert [path.name for path in (tmp_path / "out").iterdir()] == []  # nothing partial


@pytest.mark.parametrize("shape", ["a file", "read-only", "file-size limit"])
def test_an_os_error_in_generate_is_one_line_naming_the_folder(open_workdir, unprivileged, shape):
    out = open_workdir / "world"
    prefix, shell_prefix = (), ""
    if shape == "a file":
        out.write_text("x\n")
    elif shape == "read-only":
        (open_workdir / "read-only").mkdir()
        (open_workdir / "read-only").chmod(0o555)
        out, prefix = open_workdir / "read-only" / "world", unprivileged
    else:
        shell_prefix = "trap '' XFSZ; ulimit -f 30;"
    result = kzmig("generate", "--out", str(out), "--quiet", workdir=open_workdir, prefix=prefix,
                   shell_prefix=shell_prefix)
    assert_one_error_line(result, str(out))


def test_an_os_error_message_names_the_paths():
    from kzmig.project import os_error_message

    assert os_error_message(PermissionError(13, "Permission denied", "/x/y")) == "Permission denied: /x/y"
    assert os_error_message(OSError(18, "Invalid cross-device link", "/a", None, "/b")) == \
        "Invalid cross-device link: /a -> /b"


def test_an_os_error_in_process_is_one_line_exit_1(tmp_path, monkeypatch, capsys):
    """Any OSError reaching kzmig.cli (here: opening the published file for --list raises
    PermissionError in-process) is one line naming the path, exit 1."""
    import kzmig.export.release

    def denied(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(kzmig.export.release.duckdb, "connect", denied)
    marts = tmp_path / "x_marts.duckdb"
    marts.write_bytes(b"")
    assert main(["export", "--list", "--published", str(marts)]) == 1
    assert capsys.readouterr().err == f"kzmig: error: Permission denied: {marts}\n"


# --- the command line -------------------------------------------------------------------

@pytest.mark.parametrize("cutoff", ["2024-13-01", "yesterday", "2024-02-30T00:00:00", "2024-01-31",
                                    "2024-1-31T23:59:59"])
@pytest.mark.parametrize("command", ["build", "run"])
def test_the_command_line_a_bad_cutoff_is_refused_before_anything_runs(tmp_path, capsys, command, cutoff):
    started = time.monotonic()
    with pytest.raises(SystemExit) as exit:
        main([command, "--landing-dir", str(tmp_path / "none"), "--cutoff", cutoff])
    assert exit.value.code == 2 and time.monotonic() - started < 5
    err = capsys.readouterr().err
    assert f"kzmig {command}: error: argument --cutoff: '{cutoff}' is not a cut-off" in err
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize("cutoff", ["2024-01-31T23:59:59", "2024-01-31 23:59:59", "2024-02-29T00:00:00"])
def test_the_command_line_accepts_a_real_cutoff(cutoff):
    from kzmig.cli import parse_arguments

    assert parse_arguments(["build", "--cutoff", cutoff]).cutoff == cutoff


@pytest.mark.parametrize("argv, usage, unknown", [
    (["--bogus"], "kzmig", "--bogus"),
    (["--bogus", "build"], "kzmig build", "--bogus"),
    (["build", "--bogus"], "kzmig build", "--bogus"),
    (["export", "--list", "--nope=1"], "kzmig export", "--nope=1"),
])
def test_the_command_line_names_an_unknown_option(capsys, argv, usage, unknown):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert f"{usage}: error: unrecognized arguments: {unknown}" in err
    assert "required: COMMAND" not in err


def test_the_command_line_without_a_command_says_so(capsys):
    with pytest.raises(SystemExit):
        main([])
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


def test_the_command_line_refuses_an_unknown_target(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--target", "oracle"])
    assert "argument --target: invalid choice: 'oracle'" in capsys.readouterr().err


# --- stop signals on PostgreSQL ---------------------------------------------------------

PG_DATABASE = "kz_migration_process_test"


@pytest.fixture(scope="module")
def postgres_stoppable(tmp_path_factory) -> Path:
    """A PostgreSQL database built and published once from the fixtures, by kzmig build."""
    if os.environ.get("KZMIG_SKIP_POSTGRES") == "1":
        pytest.skip("KZMIG_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
    if os.geteuid() != 0:
        pytest.fail("the PostgreSQL tests start a local server and must run as root "
                    "(or set KZMIG_SKIP_POSTGRES=1)")
    from test_postgres import fresh_database, postgres_script

    postgres_script("start")
    fresh_database(PG_DATABASE)
    workdir = tmp_path_factory.mktemp("postgres_stoppable")
    (workdir / "tmp").mkdir()
    result = kzmig("build", "--target", "postgres", "--landing-dir", str(FIXTURE_LANDING), workdir=workdir,
                   KZMIG_PG_DATABASE=PG_DATABASE)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return workdir


@pytest.mark.parametrize("moment", [NODES_RUNNING, PUBLISHING])
def test_a_stop_signal_to_kzmig_build_on_postgres_publishes_nothing_and_ends_dbt_sessions(
        postgres_stoppable, moment):
    """On PostgreSQL a statement dbt sent runs on in the server after dbt is gone: kzmig
    ends dbt's sessions too, so a publication not yet committed is rolled back."""
    from test_postgres import pg_query

    workdir = postgres_stoppable
    publications = pg_query(PG_DATABASE, "select invocation_id from audit.publications order by 1")
    environment_pg = {**environment(workdir), "KZMIG_PG_DATABASE": PG_DATABASE}
    (workdir / "logs" / "kzmig-build.log").unlink(missing_ok=True)
    build = subprocess.Popen([sys.executable, "-m", "kzmig.cli", "build", "--target", "postgres",
                              "--landing-dir", str(FIXTURE_LANDING)], cwd=workdir, env=environment_pg,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(workdir, build, moment)
        build.send_signal(signal.SIGTERM)
        _, stderr = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 143, stderr
    assert processes_of(workdir) == []
    assert pg_query(PG_DATABASE, "select count(*) from pg_stat_activity where datname = %s "
                                 "and application_name = 'dbt'", (PG_DATABASE,)) == [(0,)]
    invocation, status = pg_query(PG_DATABASE, "select invocation_id, status from audit.build_runs "
                                               "order by started_at desc limit 1")[0]
    now_published = pg_query(PG_DATABASE, "select invocation_id from audit.publications order by 1")
    if (invocation,) in now_published:  # the commit came first: the build says so
        assert status == "success" and "had already published" in stderr, stderr
        return
    assert stderr == "kzmig: stopped by SIGTERM: nothing published, the build is logged 'aborted' in " \
                     "audit.build_runs\n", stderr
    assert now_published == publications and status == "aborted"


def test_a_stop_signal_to_the_bench_is_passed_to_the_kzmig_command_it_runs():
    """kzmig bench runs kzmig build in a subprocess: a stop of the bench reaches it (which
    stops its own dbt), and the bench waits for it."""
    from kzmig.bench import stopping_with

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    with pytest.raises(process.Stopped):
        with stopping_with(child):
            raise process.Stopped(signal.SIGHUP)
    assert child.returncode == -signal.SIGHUP


@pytest.mark.parametrize("release", ["latest", "LATEST", " latest"])
def test_the_command_line_export_release_latest_is_accepted(monkeypatch, tmp_path, release):
    """`--release latest` names the evaluation `latest` (its period and cut-off are SQL:
    marts.dim_release); the command line accepts it in any case or spacing and exports it."""
    calls = []
    monkeypatch.setattr(release_export.release, "export_release",
                        lambda release_id, out_dir, **options: calls.append(release_id))
    assert main(["export", "--release", release, "--out", str(tmp_path)]) == 0
    assert calls == ["latest"]
