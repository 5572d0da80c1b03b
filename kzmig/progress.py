"""What `kzmig build` shows while dbt runs, and what it keeps in its log file.

dbt is run with `--log-format json`: every line it writes on stdout is one structured event
(https://docs.getdbt.com/reference/events-logging). `DbtRun` reads them: the node count
(ConcurrencyLine, then the `total` of each node's events), each node's start (LogStartLine)
and result (LogModelResult, LogTestResult, LogSeedResult, LogNodeNoOpResult,
SkippingDetails …) with its status, and the error messages (events of level `error`,
among them MainEncounteredError with the landing hook's message). No coloured text is
parsed.

`BuildDisplay` shows the steps (landing check, `dbt build`) with the nodes
done of the total and the elapsed time — a rich progress display on a terminal, a line
per step (and one every half minute of a long step) otherwise — then a short summary.
dbt's own lines are shown only with --verbose; all of them go to the log file
(`<DBT_LOG_PATH or logs>/kzmig-build.log`), as text, without escape codes. Colour is
used only on a terminal and never when NO_COLOR is set (rich decides; dbt is told with
--use-colors / --no-use-colors).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterator

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn,
                           TimeElapsedColumn)
from rich.text import Text

# Any ANSI escape sequence (colours, cursor moves): never written to a file.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")

# The events that report one node's result (one each per node of the run), in dbt 1.11.
RESULT_EVENTS = {
    "LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult", "LogNodeResult",
    "LogFunctionResult", "LogNodeNoOpResult", "LogFreshnessResult", "SkippingDetails",
    "LogSkipBecauseError",
}
# A node's status (node_info.node_status, else the event's status) -> what the summary counts.
STATUS_CLASSES = {
    "success": "passed", "pass": "passed", "ok": "passed",
    "warn": "warned",
    "error": "failed", "fail": "failed", "runtime error": "failed", "partial success": "failed",
    "skipped": "skipped", "skip": "skipped",
    "no-op": "no-op",
}
SUMMARY_CLASSES = ("passed", "warned", "failed", "skipped", "no-op")
# The account of what went wrong, at the end of a run (a failed node's own result line is
# also an error event, but says less).
FAILURE_EVENTS = frozenset({"RunResultFailure", "RunResultError", "RunResultErrorNoMessage",
                            "MainEncounteredError", "GenericExceptionOnRun", "LogSkipBecauseError"})
HEARTBEAT_SECONDS = 30.0


def plain(text: str) -> str:
    return ANSI_ESCAPE.sub("", text)


def format_seconds(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d} min"


@dataclass
class DbtRun:
    """What one dbt command reported through its structured events."""

    command: str
    total: int | None = None
    current: str = ""
    finished: dict[str, str] = field(default_factory=dict)  # node -> summary class
    errors: list[tuple[str, str]] = field(default_factory=list)  # (event, message) of level error, in order
    warnings: list[str] = field(default_factory=list)  # "Warning in test … (path)"
    text: list[str] = field(default_factory=list)  # dbt's lines as text, escape codes removed
    seconds: float = 0.0
    returncode: int | None = None

    @property
    def done(self) -> int:
        return len(self.finished)

    def counts(self) -> Counter:
        return Counter(self.finished.values())

    def read(self, line: str) -> str:
        """Take one line of dbt's stdout; return it as text (its message if it is an event)."""
        stripped = line.rstrip("\r\n")
        try:
            event = json.loads(stripped)
            info, data = event["info"], event.get("data") or {}
            message = info.get("msg") or ""
        except (ValueError, TypeError, KeyError, AttributeError):
            # not an event: something dbt or a library printed as it is
            text = plain(stripped)
            self.text.append(text)
            return stripped
        name, level = info.get("name", ""), info.get("level", "")
        node = data.get("node_info") or {}
        if name == "ConcurrencyLine" and data.get("node_count") is not None:
            self.total = int(data["node_count"])
        total = data.get("total") if name != "LogTestResult" else data.get("num_models")
        if isinstance(total, int) and total > 0 and not name.startswith("LogHook"):
            self.total = total
        if name == "LogStartLine":
            self.current = node.get("node_name") or data.get("description") or ""
        elif name in RESULT_EVENTS:
            key = node.get("unique_id") or f"#{data.get('index')}"
            status = str(node.get("node_status") or data.get("status") or "").lower()
            if name in ("SkippingDetails", "LogSkipBecauseError"):
                status = "skipped"
            self.finished[key] = STATUS_CLASSES.get(status, "passed")
        if name == "RunResultWarning":
            self.warnings.append(plain(message).strip())
        if level == "error" and message.strip():
            self.errors.append((name, plain(message)))
        self.text.append(plain(message))
        return message

    def error_lines(self, events: frozenset[str] | None = None) -> Iterator[str]:
        """The lines of the error messages (of the given events only, if given)."""
        for name, message in self.errors:
            if events is not None and name not in events:
                continue
            for line in message.splitlines():
                if line.strip():
                    yield line.strip()


class BuildDisplay:
    """The console output of a build and its log file. Use as a context manager."""

    def __init__(self, log_path: Path, *, quiet: bool = False, verbose: bool = False,
                 console: Console | None = None, append: bool = False) -> None:
        self.log_path = Path(log_path)
        self.quiet = quiet
        self.verbose = verbose and not quiet
        self.console = console or Console(highlight=False, emoji=False)
        self.started = time.monotonic()
        self.runs: list[DbtRun] = []
        self._append = append
        self._log: IO[str] | None = None
        self._progress: Progress | None = None

    # --- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> "BuildDisplay":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "a" if self._append else "w", encoding="utf-8")
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop_progress()
        if self._log is not None:
            log, self._log = self._log, None
            try:
                log.close()
            except OSError as error:
                if exc_info[0] is None:
                    raise self._log_error(error) from None

    @property
    def logging(self) -> bool:
        """Whether the log file is open (not after a write into it failed)."""
        return self._log is not None

    @property
    def interactive(self) -> bool:
        """A live progress display: stdout is a terminal (rich also honours TERM=dumb)."""
        return not self.quiet and self.console.is_terminal and not self.console.is_dumb_terminal

    @property
    def dbt_colors(self) -> bool:
        """Whether dbt may colour its lines: only shown ones, on a terminal, without NO_COLOR."""
        return self.verbose and self.interactive and not self.console.no_color

    def _stop_progress(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    # --- output ---------------------------------------------------------------------------
    def log(self, text: str) -> None:
        if self._log is not None:
            try:
                self._log.write(plain(text) + "\n")
                self._log.flush()
            except OSError as error:
                # A full disk or a file-size limit: one error naming the log; no more
                # writes into it (the error's own line would fail again).
                log, self._log = self._log, None
                try:
                    log.close()
                except OSError:
                    pass
                raise self._log_error(error) from None

    def _log_error(self, error: OSError):
        from kzmig.project import KzmigError

        return KzmigError(f"cannot write the log {self.log_path}: {error.strerror or error}")

    def say(self, text: str | Text, *, style: str | None = None) -> None:
        """One line on the console (above the progress display, if there is one)."""
        if self.quiet:
            return
        line = text if isinstance(text, Text) else Text(text, style=style)
        self.console.print(line, soft_wrap=True)

    def dbt_line(self, text: str) -> None:
        """One of dbt's lines: always into the log, onto the console with --verbose. A notice
        the project's macros log for the user (a line starting `kzmig: `, e.g. a full
        rebuild after the reference data changed) is shown in any case."""
        stamp = time.strftime("%H:%M:%S")
        for line in (text.splitlines() or [""]):
            self.log(f"{stamp}  {line}")
        if self.verbose:
            self.say(Text.from_ansi(text))
        elif plain(text).startswith("kzmig: "):
            self.say(plain(text).rstrip())

    # --- steps ----------------------------------------------------------------------------
    @contextmanager
    def step(self, label: str) -> Iterator["Step"]:
        self.log(f"kzmig: {label}")
        step = Step(self, label)
        if self.interactive:
            if self._progress is None:
                self._progress = Progress(
                    SpinnerColumn(finished_text="[green]✓[/]"),
                    TextColumn("[bold]{task.description}"),
                    BarColumn(bar_width=30),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    TextColumn("[dim]{task.fields[current]}"),
                    console=self.console,
                )
                self._progress.start()
            step.task = self._progress.add_task(label, total=None, current="")
        else:
            self.say(f"kzmig: {label} …")
        try:
            yield step
        except KeyboardInterrupt:  # a stop signal (kzmig.process.Stopped)
            step.finish(failed=True, outcome="stopped")
            raise
        except BaseException:
            step.finish(failed=True)
            raise
        step.finish()

    # --- the end --------------------------------------------------------------------------
    def summary(self, warehouse: str, notes: list[str] | tuple[str, ...] = ()) -> None:
        """The short account printed at the end of a successful build; `notes` are lines
        after the node counts (e.g. the years the reference data do not cover)."""
        self._stop_progress()
        run = self.runs[-1] if self.runs else None
        seconds = time.monotonic() - self.started
        lines = []
        if run is not None:
            counts = run.counts()
            parts = [f"{counts.get(name, 0)} {name}" for name in SUMMARY_CLASSES
                     if name != "no-op" or counts.get(name)]
            lines.append(f"kzmig: done in {format_seconds(seconds)}: {', '.join(parts)} "
                         f"of {run.done} nodes (dbt {run.command})")
            lines += [f"kzmig:   {warning}" for warning in run.warnings[:10]]
            if len(run.warnings) > 10:
                lines.append(f"kzmig:   … and {len(run.warnings) - 10} more warnings, in the log")
        else:
            lines.append(f"kzmig: done in {format_seconds(seconds)}")
        lines += list(notes)
        lines.append(f"kzmig: warehouse: {warehouse}")
        lines.append(f"kzmig: log: {self.log_path}")
        for line in lines:
            self.log(line)
        for number, line in enumerate(lines):
            style = "bold green" if number == 0 and not (run and run.warnings) else None
            self.say(line, style=style)


class Step:
    """One step of a build, on the progress display or as lines."""

    def __init__(self, display: BuildDisplay, label: str) -> None:
        self.display = display
        self.label = label
        self.started = time.monotonic()
        self.task: TaskID | None = None
        self.done = 0
        self.total: int | None = None
        self.note = ""
        self._last_heartbeat = self.started

    def update(self, done: int, total: int | None, current: str = "") -> None:
        self.done, self.total = done, total
        display = self.display
        if self.task is not None and display._progress is not None:
            if len(current) > 48:
                current = current[:47] + "…"
            display._progress.update(self.task, completed=done, total=total, current=current)
        elif not display.quiet and time.monotonic() - self._last_heartbeat >= HEARTBEAT_SECONDS:
            self._last_heartbeat = time.monotonic()
            display.say(f"kzmig: {self.label}: {self._nodes()}, "
                        f"{format_seconds(self._last_heartbeat - self.started)} so far")

    def _nodes(self) -> str:
        if self.total:
            return f"{self.done} of {self.total} nodes"
        return f"{self.done} nodes" if self.done else ""

    def finish(self, failed: bool = False, outcome: str | None = None) -> None:
        seconds = time.monotonic() - self.started
        display = self.display
        outcome = outcome or ("failed" if failed else "done")
        what = ", ".join(part for part in (self.note, self._nodes()) if part)
        line = f"kzmig: {self.label}: {outcome}{' (' + what + ')' if what else ''} in {format_seconds(seconds)}"
        display.log(line)
        if self.task is not None and display._progress is not None:
            total = self.total if self.total is not None else 1
            completed = self.done if self.total is not None else (0 if failed else 1)
            display._progress.update(self.task, total=total, completed=completed,
                                     description=f"{self.label} [red]{outcome}[/]" if failed else self.label,
                                     current=self.note)
            display._progress.stop_task(self.task)
        else:
            display.say(line)
