"""kzmig as a process: stop signals, the dbt child, and what a stop may still publish.

- `Stopped`: SIGINT, SIGTERM and SIGHUP end every command the same way: one line
  (`kzmig: stopped by SIGTERM …`), exit status 128 + the signal's number (130, 143, 129).
  `install_stop_handlers` (kzmig.cli) turns SIGTERM and SIGHUP into `Stopped` as Python
  does SIGINT into KeyboardInterrupt, so that `finally` blocks run; a signal the
  caller ignores (nohup, a background job) stays ignored.
- `run_child`: dbt runs in a session (and process group) of its own, so that a terminal's
  Ctrl-C or hang-up does not reach it behind kzmig's back, and dies with kzmig if kzmig
  itself is killed (Linux: PR_SET_PDEATHSIG). While it runs, a stop signal is forwarded
  to its whole process group, kzmig waits for it (a second signal, or 30 s, sends
  SIGKILL to the group), then kills what is left of the group and raises `Stopped`. No
  dbt process outlives kzmig.
- The publication's commit point (DuckDB: the rename of the new published file, in the
  dbt process, kzmig.publish.finish_publication) and a stop are ordered by a control file
  that kzmig creates for each dbt command and names in KZMIG_BUILD_CONTROL, under an
  exclusive flock: a stop writes `stop` into it before forwarding the signal; the
  publication renames only if it finds no `stop`, and then writes `published`. So a stop
  requested before the commit point publishes nothing; one requested after it finds the
  publication done (`Stopped.published`): kzmig then lets dbt finish recording its
  build, and says so.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
CONTROL_VARIABLE = "KZMIG_BUILD_CONTROL"
PARENT_VARIABLE = "KZMIG_BUILD_PARENT_PID"
STOP, PUBLISHED = b"stop", b"published"
# After forwarding a stop, how long dbt may take to end before its group gets SIGKILL.
STOP_GRACE_SECONDS = 30.0


class Stopped(KeyboardInterrupt):
    """A command stopped by a signal. `published`: the build had published its marts
    before the stop was requested (its commit point came first)."""

    def __init__(self, signum: int = signal.SIGINT, published: bool = False) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.published = published
        self.detail = ""  # what the stop left, for the one line (kzmig.build)

    def message(self) -> str:
        return f"stopped by {self.name}" + (f": {self.detail}" if self.detail else "")

    @property
    def status(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def _raise_stopped(signum, frame) -> None:
    raise Stopped(signum)


def install_stop_handlers() -> None:
    """SIGINT, SIGTERM and SIGHUP raise Stopped in the main thread (unless ignored)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) not in (signal.SIG_IGN, None):
            signal.signal(signum, _raise_stopped)


# --- the control file -------------------------------------------------------------------

@contextlib.contextmanager
def _locked(path: str | os.PathLike) -> Iterator[int]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield descriptor
    finally:
        os.close(descriptor)  # releases the lock


def _state(descriptor: int) -> bytes:
    return os.pread(descriptor, 64, 0)


def _write_state(descriptor: int, state: bytes) -> None:
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, state, 0)


def request_stop(control: str | os.PathLike) -> bool:
    """Mark the dbt command of `control` as stopped; True when it had published already."""
    with _locked(control) as descriptor:
        if _state(descriptor).startswith(PUBLISHED):
            return True
        _write_state(descriptor, STOP)
        return False


def was_published(control: str | os.PathLike) -> bool:
    with _locked(control) as descriptor:
        return _state(descriptor).startswith(PUBLISHED)


class PublicationRefused(RuntimeError):
    """The build was told to stop before its publication's commit point."""


def commit_publication(commit: Callable[[], object]) -> None:
    """Run `commit` (the publication's atomic step) unless the build was told to stop.

    Under kzmig (KZMIG_BUILD_CONTROL set) the control file decides, under its lock; so
    does the parent: a dbt whose kzmig is gone (its parent changed) publishes nothing.
    Under plain dbt there is nobody to ask: `commit` runs."""
    control = os.environ.get(CONTROL_VARIABLE)
    if not control:
        commit()
        return
    with _locked(control) as descriptor:
        parent = os.environ.get(PARENT_VARIABLE)
        if _state(descriptor).startswith(STOP):
            raise PublicationRefused("the build was told to stop (a signal to kzmig): nothing published")
        if parent and int(parent) != os.getppid():
            raise PublicationRefused(f"the kzmig that started this build (pid {parent}) is gone: "
                                     "nothing published")
        commit()
        _write_state(descriptor, PUBLISHED)


# --- the dbt child ----------------------------------------------------------------------

def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux; elsewhere nothing)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def kill_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


class Child:
    """A child process in a session of its own, stopped as a whole (see the module)."""

    def __init__(self, command: list[str], *, env: dict, cwd: str | os.PathLike, **popen) -> None:
        handle, self.control = tempfile.mkstemp(prefix="kzmig-control-")
        os.close(handle)
        env = {**env, CONTROL_VARIABLE: self.control, PARENT_VARIABLE: str(os.getpid())}
        self.stop_signal: int | None = None
        self.published_before_stop = False
        self.pgid: int | None = None
        self._timer: threading.Timer | None = None
        self._previous: dict[int, object] = {}
        # The handlers first: a stop that comes while the child starts is not lost.
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                previous = signal.getsignal(signum)
                if previous not in (signal.SIG_IGN, None):
                    self._previous[signum] = previous
                    signal.signal(signum, self._on_signal)
        try:
            self.process = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True,
                                            preexec_fn=_die_with_parent, **popen)
        except BaseException:
            self._restore()
            Path(self.control).unlink(missing_ok=True)
            raise
        self.pgid = self.process.pid  # a new session's leader: its group id is its pid
        if self.stop_signal is not None:  # it came while the child started
            self._stop(self.stop_signal)

    def _restore(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous = {}

    def _on_signal(self, signum, frame) -> None:
        if self.stop_signal is not None:  # a second signal: no more waiting
            if self.pgid is not None:
                kill_group(self.pgid, signal.SIGKILL)
            return
        self.stop_signal = signum
        if self.pgid is not None:
            self._stop(signum)

    def _stop(self, signum: int) -> None:
        self.published_before_stop = request_stop(self.control)
        if self.published_before_stop:
            return  # the build published before the stop: let dbt record it and end
        kill_group(self.pgid, signum)
        self._timer = threading.Timer(STOP_GRACE_SECONDS, kill_group, (self.pgid, signal.SIGKILL))
        self._timer.daemon = True
        self._timer.start()

    def finish(self) -> int:
        """Wait for the child, kill what is left of its group, restore the handlers; raise
        Stopped when a stop signal came while it ran."""
        try:
            if self.process.poll() is None and self.stop_signal is None:
                # an exception in kzmig itself (a full disk under its log): the child must
                # not run on, nor publish
                request_stop(self.control)
                kill_group(self.pgid, signal.SIGTERM)
            returncode = self.process.wait()
        finally:
            kill_group(self.pgid, signal.SIGKILL)  # whatever dbt left behind in its group
            if self._timer is not None:
                self._timer.cancel()
            self._restore()
            Path(self.control).unlink(missing_ok=True)
        if self.stop_signal is not None:
            raise Stopped(self.stop_signal, published=self.published_before_stop)
        return returncode


# --- one build at a time ----------------------------------------------------------------

@contextlib.contextmanager
def exclusive(lock_path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` (flock, released when the process ends, however
    it ends) while the block runs; when another process holds it, raise KzmigError naming
    `what` and that process, before anything else is touched."""
    from kzmig.project import KzmigError

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
            raise KzmigError(f"another kzmig build{f' (pid {holder})' if holder else ''} is running on {what} "
                             f"(it holds {lock_path}); nothing was touched: wait for it to end") from None
        _write_state(descriptor, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(descriptor)
