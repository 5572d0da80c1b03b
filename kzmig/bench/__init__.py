"""`kzmig bench`: speed and memory of the warehouse at national scale, against the floor.

Worlds (generated once with `kzmig generate`, into --work-dir, and reused):

  tiny        --years 1 --scale 0.01, about 10,000 rows (for tests); CSV by default
  1y          --years 1 --scale 1.2, about 1.2 million rows; CSV by default
  calibrated  no --years/--scale: the calibrated world, the real size (6.6 million rows,
              2021-01 to 2026-03); always CSV
  10y         --years 10 --scale 2.5, about 27 million rows; Parquet by default
  100m        --years 10 --scale 9, about 98 million rows; always Parquet; measured once

--formats (csv, parquet or both) replaces the default format of tiny, 1y and 10y; the
calibrated world is always CSV and 100m always Parquet, whatever --formats says.

For each world, in the same run on the same files, it times, each in a subprocess of its
own (wall-clock seconds, peak resident memory of the process tree from wait4, and the
machine's load average when the run starts), the median of --runs runs of:

  full         `kzmig build --landing-dir WORLD` on an empty warehouse (what a user runs),
               then `kzmig export --latest` (end to end = build + export), then
               `kzmig build` once more with nothing new (nothing_new: the up-to-date
               check, kzmig.build_inputs; no dbt runs);
  floor        floor.sql: every rule of the extract spec in one hand-written DuckDB
               statement chain (outcomes + the three monthly marts);
  pandas       the three monthly marts computed with pandas (pandas_marts.py); only on
               tiny, 1y and calibrated (it runs out of memory beyond: --pandas-everywhere
               runs it on 10y too);
  incremental  `kzmig build` on a copy of a warehouse built on every delivery but the last,
               after the last delivery is added to its landing folder.

The 100m world is measured once, whatever --runs says: the full build with its export and
the floor, with their peak memory; no pandas, no incremental build.

The warehouse runs with the product's default DuckDB memory_limit (no
KZMIG_DUCKDB_MEMORY_LIMIT: profiles/profiles.yml) and the floor with the same default,
kzmig.project.DEFAULT_DUCKDB_MEMORY_LIMIT; --memory-limit overrides both.

It checks that the floor, pandas and the warehouse agree exactly on net_migration_monthly,
external_migration_by_country_monthly and interregional_flows_monthly, that the floor's
outcome counts equal audit.coupon_outcome_summary, and that the incremental warehouse equals
the full one; prints the ratios and the targets of issue 27 with each world they apply to,
and writes the figures into BENCHMARKS.md (--output - for none).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from kzmig.bench.deliveries import MARTS, delivery_files
from kzmig.project import DEFAULT_DUCKDB_MEMORY_LIMIT, PROFILES_DIR, PROJECT_DIR, KzmigError


@dataclass(frozen=True)
class Size:
    """A world of `kzmig generate`: its --years and --scale (None: not given, the calibrated
    world), its format when --formats does not say (fixed: always that one), whether pandas
    runs on it by default, and whether it is measured once (full build + floor only)."""

    years: int | None
    scale: float | None
    file_format: str
    fixed_format: bool = False
    pandas: bool = True
    once: bool = False

    @property
    def generate_arguments(self) -> list[str]:
        if self.years is None:
            return []
        return ["--years", str(self.years), "--scale", f"{self.scale:g}"]


SIZES = {
    "tiny": Size(1, 0.01, "csv"),
    "1y": Size(1, 1.2, "csv"),
    "calibrated": Size(None, None, "csv", fixed_format=True),
    "10y": Size(10, 2.5, "parquet", pandas=False),
    "100m": Size(10, 9.0, "parquet", fixed_format=True, pandas=False, once=True),
}
DEFAULT_SIZES = ["calibrated", "10y", "100m"]
COMPUTATIONS = ["full", "floor", "pandas", "incremental"]
SEED = 2024
RESULTS_START = "<!-- kzmig bench: results start -->"
RESULTS_END = "<!-- kzmig bench: results end -->"
GIB = 1024 ** 3
PANDAS_MEMORY_CAP_GIB = 16
PROFILE_MEMORY_LIMIT = re.compile(r"env_var\(\s*'KZMIG_DUCKDB_MEMORY_LIMIT'\s*,\s*'([^']*)'\s*\)")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench", help="benchmark the warehouse against the single-query floor and pandas",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(DEFAULT_SIZES),
                        help=f"worlds, comma-separated, of {', '.join(SIZES)} (default: {','.join(DEFAULT_SIZES)})")
    parser.add_argument("--formats", default="",
                        help="csv, parquet or both, for tiny, 1y and 10y (default: each world's own: CSV for "
                             "tiny and 1y, Parquet for 10y); calibrated is always CSV, 100m always Parquet")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs of each computation; the median counts (default: 3; 100m: always 1)")
    parser.add_argument("--only", default=",".join(COMPUTATIONS),
                        help=f"computations to time (default: {','.join(COMPUTATIONS)})")
    parser.add_argument("--work-dir", default=str(PROJECT_DIR / "warehouse" / "bench"),
                        help="generated worlds, warehouses and outputs (default: warehouse/bench, git-ignored)")
    parser.add_argument("--memory-limit", default=None,
                        help="DuckDB memory_limit of the warehouse and the floor, overriding the product's "
                             f"default ({DEFAULT_DUCKDB_MEMORY_LIMIT}: profiles/profiles.yml, "
                             "kzmig.project.DEFAULT_DUCKDB_MEMORY_LIMIT); they spill beyond it")
    parser.add_argument("--pandas-everywhere", action="store_true",
                        help="time pandas on 10y too (by default only on tiny, 1y and calibrated; never on 100m)")
    parser.add_argument("--output", default=str(PROJECT_DIR / "BENCHMARKS.md"),
                        help="Markdown file whose results section is rewritten ('-' for none; default: BENCHMARKS.md)")
    parser.set_defaults(run=run)


# --- measuring --------------------------------------------------------------------------------

def load_average() -> float:
    return round(os.getloadavg()[0], 2)


@contextlib.contextmanager
def stopping_with(process: subprocess.Popen):
    """A stop signal to the bench (kzmig.process.Stopped) is passed on to the kzmig command
    it runs, which stops its own dbt; the bench waits for it before it stops."""
    try:
        yield
    except KeyboardInterrupt as stop:
        if process.poll() is None:
            process.send_signal(getattr(stop, "signum", signal.SIGINT))
            process.wait()
        raise


def measure(command: list[str], log_path: Path, env: dict[str, str] | None = None, preexec_fn=None) -> dict:
    """Run `command` in its own process; its wall-clock seconds, peak resident memory
    (wait4's ru_maxrss: the largest of the process and the children it waited for) and the
    machine's load average (1 minute) when it started."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"$ {' '.join(command)}\n")
        log.flush()
        load = load_average()
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   preexec_fn=preexec_fn)
        with stopping_with(process):
            _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise KzmigError(f"{' '.join(command[:5])} failed (exit {process.returncode}); log {log_path}:\n{tail}")
    return {"seconds": seconds, "peak_rss_bytes": usage.ru_maxrss * 1024, "load_at_start": load}


def combine(steps: list[dict]) -> dict:
    """Steps run one after the other: seconds add up, the peak is the largest, the load is
    the first step's."""
    return {"seconds": sum(step["seconds"] for step in steps),
            "peak_rss_bytes": max(step["peak_rss_bytes"] for step in steps),
            "load_at_start": steps[0]["load_at_start"]}


def summary(measurements: list[dict]) -> dict:
    return {"measured_at": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
            "median_seconds": statistics.median(m["seconds"] for m in measurements),
            "runs_seconds": [round(m["seconds"], 2) for m in measurements],
            "runs_load": [m["load_at_start"] for m in measurements],
            "peak_rss_bytes": max(m["peak_rss_bytes"] for m in measurements)}


def profile_memory_limit() -> str | None:
    """The default memory_limit written in profiles/profiles.yml (None if not found)."""
    try:
        found = PROFILE_MEMORY_LIMIT.search((PROFILES_DIR / "profiles.yml").read_text(encoding="utf-8"))
    except OSError:
        return None
    return found.group(1) if found else None


def memory_limits(override: str | None) -> dict:
    """What the warehouse and the floor run with: the override, or the product's default."""
    profile = profile_memory_limit()
    if override:
        return {"warehouse": override, "floor": override, "product_default": False,
                "default": DEFAULT_DUCKDB_MEMORY_LIMIT, "profile_default": profile}
    return {"warehouse": profile or "DuckDB's own default", "floor": DEFAULT_DUCKDB_MEMORY_LIMIT,
            "product_default": True, "default": DEFAULT_DUCKDB_MEMORY_LIMIT, "profile_default": profile}


# --- the computations -------------------------------------------------------------------------

def calibrated_year_count() -> int:
    """How many years the calibrated world has (world.toml's calibrated_years)."""
    import tomllib

    from kzmig.generator.reference import WORLD_FILE

    with open(WORLD_FILE, "rb") as handle:
        return len(tomllib.load(handle)["world"]["calibrated_years"])


class World:
    """One generated world and the folders of its runs."""

    def __init__(self, work_dir: Path, size: str, file_format: str):
        self.size, self.file_format = size, file_format
        self.spec = SIZES[size]
        self.years, self.scale = self.spec.years, self.spec.scale
        self.landing = work_dir / "worlds" / f"{size}_{file_format}"
        self.run_dir = work_dir / "runs" / f"{size}_{file_format}"
        self.temp_dir = work_dir / "tmp" / f"{size}_{file_format}"

    def generate_command(self) -> list[str]:
        return [sys.executable, "-m", "kzmig.cli", "generate", "--out", str(self.landing),
                *self.spec.generate_arguments, "--format", self.file_format, "--seed", str(SEED), "--force"]

    def matches(self, manifest: dict) -> bool:
        """Whether a world already generated is this one (same arguments, same seed)."""
        if (manifest.get("format"), manifest.get("seed")) != (self.file_format, SEED):
            return False
        if self.years is None:
            # the calibrated world of this version (a world calibrated on fewer years, made
            # before the calendar grew, is generated again)
            return manifest.get("calibrated") is True and manifest.get("years") == calibrated_year_count()
        return (manifest.get("years"), manifest.get("scale")) == (self.years, self.scale)

    def generate(self) -> dict:
        manifest_path = self.landing / "manifest.json"
        if manifest_path.exists():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if self.matches(manifest):
                return manifest
        command = self.generate_command()
        print(f"kzmig bench: generating the {self.size} world ({self.file_format}) into {self.landing}: "
              f"kzmig {' '.join(command[3:])}", flush=True)
        log_path = self.run_dir / "generate.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"$ {' '.join(command)}\n")
            # generate's own progress lines (one per year written), shown as they come
            process = subprocess.Popen(command, cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True, encoding="utf-8", errors="replace")
            with stopping_with(process):
                for line in process.stdout:
                    log.write(line)
                    print(line.rstrip(), flush=True)
            if process.wait() != 0:
                raise KzmigError(f"kzmig generate failed (exit {process.returncode}); log {log_path}")
        return json.loads(manifest_path.read_text(encoding="utf-8"))

    def env(self, database: Path, memory_limit: str | None) -> dict[str, str]:
        """The environment of `kzmig build` and `kzmig export` on `database`: everything of
        the run in the run folder; the product's memory_limit unless overridden."""
        env = os.environ.copy()
        env.update({
            "DBT_DUCKDB_PATH": str(database),
            "DBT_TARGET_PATH": str(self.run_dir / "target"),
            "DBT_LOG_PATH": str(self.run_dir / "logs"),
            "KZMIG_DUCKDB_TEMP_DIR": str(self.temp_dir),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        })
        env.pop("KZMIG_DUCKDB_MEMORY_LIMIT", None)
        env.pop("DBT_TARGET", None)
        if memory_limit:
            env["KZMIG_DUCKDB_MEMORY_LIMIT"] = memory_limit
        return env


def remove_database(database: Path) -> None:
    for path in (database, database.with_name(database.name + ".wal")):
        path.unlink(missing_ok=True)


def kzmig_build(world: World, landing: Path, database: Path, memory_limit: str | None, log: Path) -> dict:
    """`kzmig build --landing-dir LANDING` as a user runs it, on the warehouse `database`."""
    return measure([sys.executable, "-m", "kzmig.cli", "build", "--landing-dir", str(landing)], log,
                   world.env(database, memory_limit))


def full_build(world: World, landing: Path, database: Path, memory_limit: str | None, log: Path,
               export_dir: Path | None = None) -> tuple[dict, dict | None]:
    """`kzmig build` from an empty warehouse; then the export of the latest release when
    export_dir is given."""
    remove_database(database)
    build = kzmig_build(world, landing, database, memory_limit, log)
    exported = None
    if export_dir is not None:
        shutil.rmtree(export_dir, ignore_errors=True)
        exported = measure([sys.executable, "-m", "kzmig.cli", "export", "--latest", "--out", str(export_dir),
                            "--warehouse", str(database)], log, world.env(database, memory_limit))
    return build, exported


def floor_run(world: World, out_dir: Path, memory_limit: str, log: Path) -> dict:
    shutil.rmtree(out_dir, ignore_errors=True)
    return measure([sys.executable, "-m", "kzmig.bench.floor", str(world.landing), str(out_dir),
                    "--memory-limit", memory_limit, "--temp-dir", str(world.temp_dir)], log)


def cap_address_space() -> None:
    limit = PANDAS_MEMORY_CAP_GIB * GIB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def pandas_run(world: World, out_dir: Path, log: Path) -> dict:
    """pandas has no memory limit of its own: its address space is capped so that on a shared
    machine it fails alone (MemoryError) rather than have the kernel kill processes."""
    shutil.rmtree(out_dir, ignore_errors=True)
    return measure([sys.executable, "-m", "kzmig.bench.pandas_marts", str(world.landing), str(out_dir)], log,
                   preexec_fn=cap_address_space)


def link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def incremental_runs(world: World, runs: int, memory_limit: str | None, log: Path) -> tuple[dict, Path]:
    """Build a warehouse on every delivery but the last (`kzmig build`, not timed), then,
    `runs` times on a copy of it, add the last delivery to its landing folder and time
    `kzmig build`. The warehouse is built and timed at the same path, as a monthly build
    finds it: the same profile, so dbt parses only what changed (partial parsing)."""
    files, _ = delivery_files(world.landing)
    landing = world.run_dir / "incremental_landing"
    shutil.rmtree(landing, ignore_errors=True)
    landing.mkdir(parents=True)
    for path in files[:-1]:
        link_or_copy(path, landing / path.name)
    base = world.run_dir / "incremental_base.duckdb"
    database = world.run_dir / "incremental.duckdb"
    full_build(world, landing, database, memory_limit, log)
    remove_database(base)
    shutil.copyfile(database, base)
    link_or_copy(files[-1], landing / files[-1].name)
    measurements = []
    for number in range(1, runs + 1):
        print(f"kzmig bench: {world.size} {world.file_format} incremental run {number}/{runs}: kzmig build "
              f"after one new delivery ({files[-1].name})", flush=True)
        remove_database(database)
        shutil.copyfile(base, database)
        measurements.append(kzmig_build(world, landing, database, memory_limit, log))
    return summary(measurements) | {"new_delivery": files[-1].name}, database


# --- agreement --------------------------------------------------------------------------------

def differing_rows(connection, left: str, right: str) -> int:
    """Rows of either relation missing from the other (multiset difference both ways)."""
    (count,) = connection.execute(
        f"select (select count(*) from (select * from {left} except all select * from {right}))"
        f" + (select count(*) from (select * from {right} except all select * from {left}))").fetchone()
    return count


def parquet(path: Path) -> str:
    return "read_parquet('" + str(path).replace("'", "''") + "')"


def check_agreement(database: Path, floor_dir: Path | None, pandas_dir: Path | None,
                    incremental_database: Path | None) -> dict:
    """Compare the warehouse's three monthly marts with the floor's and pandas', the floor's
    outcome counts with audit.coupon_outcome_summary, and the incremental warehouse with the
    full one. Returns {check: number of differing rows} (0 everywhere = agreement)."""
    import duckdb

    checks: dict[str, int] = {}
    connection = duckdb.connect(":memory:")
    connection.execute(f"attach '{database}' as warehouse (read_only)")
    rows = {mart: connection.execute(f"select count(*) from warehouse.marts.{mart}").fetchone()[0] for mart in MARTS}
    for mart in MARTS:
        warehouse = f"warehouse.marts.{mart}"
        if floor_dir is not None:
            checks[f"floor = warehouse: {mart}"] = differing_rows(connection, warehouse, parquet(floor_dir / f"{mart}.parquet"))
        if pandas_dir is not None:
            checks[f"pandas = warehouse: {mart}"] = differing_rows(connection, warehouse, parquet(pandas_dir / f"{mart}.parquet"))
    if floor_dir is not None:
        checks["floor = warehouse: outcome counts"] = differing_rows(
            connection,
            "(select outcome, reject_reason, row_count from warehouse.audit.coupon_outcome_summary where row_count > 0)",
            f"(select * from {parquet(floor_dir / 'outcome_counts.parquet')} where row_count > 0)")
    if incremental_database is not None:
        connection.execute(f"attach '{incremental_database}' as incremental (read_only)")
        for relation in [*(f"marts.{mart}" for mart in MARTS), "audit.coupon_outcome_summary"]:
            checks[f"incremental = full: {relation}"] = differing_rows(
                connection, f"warehouse.{relation}", f"incremental.{relation}")
    connection.close()
    return {"differing_rows": checks, "mart_rows": rows}


def slowest_nodes(run_dir: Path, count: int = 8) -> list[tuple[str, float]]:
    """The slowest nodes of the last dbt build (target/run_results.json)."""
    path = run_dir / "target" / "run_results.json"
    if not path.exists():
        return []
    results = json.loads(path.read_text(encoding="utf-8"))["results"]
    timed = sorted(((r["unique_id"], r.get("execution_time") or 0.0) for r in results), key=lambda item: -item[1])
    return [(unique_id.split(".", 2)[-1] if unique_id.startswith("model.") else unique_id, round(seconds, 1))
            for unique_id, seconds in timed[:count]]


def node_time(run_dir: Path) -> dict[str, dict[str, float]]:
    """The last dbt build's nodes by kind (model, test, seed, operation, ...): how many, and
    the seconds they took (node time, summed over dbt's threads), from run_results.json."""
    path = run_dir / "target" / "run_results.json"
    if not path.exists():
        return {}
    kinds: dict[str, dict[str, float]] = {}
    for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
        kind = kinds.setdefault(result["unique_id"].split(".", 1)[0], {"nodes": 0, "seconds": 0.0})
        kind["nodes"] += 1
        kind["seconds"] = round(kind["seconds"] + (result.get("execution_time") or 0.0), 1)
    return kinds


def profile_text(label: str, nodes: list, kinds: dict) -> list[str]:
    lines = []
    if kinds:
        lines.append(f"{label}, node time by kind (dbt run_results.json, seconds, both threads summed): "
                     + ", ".join(f"{kind} {value['nodes']} nodes {value['seconds']} s"
                                 for kind, value in sorted(kinds.items())) + ".")
    if nodes:
        lines.append(f"{label}, slowest nodes (seconds): "
                     + ", ".join(f"`{node}` {seconds}" for node, seconds in nodes) + ".")
    return lines


# --- one world --------------------------------------------------------------------------------

def bench_world(world: World, runs: int, only: list[str], limits: dict, pandas_everywhere: bool = False) -> dict:
    spec = world.spec
    notes = []
    if spec.once:
        runs = 1
        skipped = [name for name in ("pandas", "incremental") if name in only]
        only = [name for name in only if name in ("full", "floor")]
        if skipped:
            notes.append(f"Measured once: the full build with its export and the floor; {' and '.join(skipped)} "
                         "not run on this world.")
    elif "pandas" in only and not spec.pandas and not pandas_everywhere:
        only = [name for name in only if name != "pandas"]
        notes.append(f"pandas not run: it does not fit in memory at this size (it failed at {PANDAS_MEMORY_CAP_GIB} "
                     "GiB on the ten-year world; --pandas-everywhere runs it).")
    manifest = world.generate()
    world.run_dir.mkdir(parents=True, exist_ok=True)
    world.temp_dir.mkdir(parents=True, exist_ok=True)
    log = world.run_dir / "bench.log"
    log.unlink(missing_ok=True)
    database = world.run_dir / "warehouse.duckdb"
    floor_dir, pandas_dir = world.run_dir / "floor", world.run_dir / "pandas"
    warehouse_limit = None if limits["product_default"] else limits["warehouse"]
    measured: dict[str, list[dict]] = {name: [] for name in ["full", "export", "end_to_end", "nothing_new", "floor",
                                                             "pandas"]}
    started = dt.datetime.now().astimezone()
    load_before = os.getloadavg()
    pandas_failure = full_failure = None
    for number in range(1, runs + 1):
        # interleaved, so that the load of a shared machine weighs on every computation alike
        if "full" in only:
            print(f"kzmig bench: {world.size} {world.file_format} run {number}/{runs}: kzmig build (full) + export",
                  flush=True)
            try:
                build, exported = full_build(world, world.landing, database, warehouse_limit, log,
                                             world.run_dir / "export")
            except KzmigError as error:
                if not spec.once:
                    raise
                # on the world measured once, whether the build finishes is the target
                full_failure = str(error).strip().splitlines()[-1].strip()
                print(f"kzmig bench: the full build failed: {full_failure}", flush=True)
                only = [name for name in only if name != "full"]
            else:
                measured["full"].append(build)
                measured["export"].append(exported)
                measured["end_to_end"].append(combine([build, exported]))
                print(f"kzmig bench: {world.size} {world.file_format} run {number}/{runs}: kzmig build with "
                      "nothing new", flush=True)
                measured["nothing_new"].append(kzmig_build(world, world.landing, database, warehouse_limit, log))
        if "floor" in only:
            print(f"kzmig bench: {world.size} {world.file_format} run {number}/{runs}: floor", flush=True)
            measured["floor"].append(floor_run(world, floor_dir, limits["floor"], log))
        if "pandas" in only and not pandas_failure:
            print(f"kzmig bench: {world.size} {world.file_format} run {number}/{runs}: pandas", flush=True)
            try:
                measured["pandas"].append(pandas_run(world, pandas_dir, log))
            except KzmigError as error:
                # pandas may not fit in memory: recorded (the error it ended with, the last
                # line of its log), and the other computations go on
                pandas_failure = str(error).strip().splitlines()[-1].strip()
                print(f"kzmig bench: pandas failed: {pandas_failure}", flush=True)
    profile = slowest_nodes(world.run_dir) if "full" in only else []
    profile_kinds = node_time(world.run_dir) if "full" in only else {}
    result = {
        "size": world.size, "format": world.file_format, "years": world.years, "scale": world.scale,
        "generate_arguments": spec.generate_arguments,
        "rows": manifest["rows"], "files": len(manifest["files"]), "runs": runs,
        "started_at": started.isoformat(timespec="seconds"),
        "load_average_before": [round(value, 2) for value in load_before],
        "memory_limits": limits,
        "timings": {name: summary(values) for name, values in measured.items() if values},
        "slowest_nodes": profile,
        "node_time": profile_kinds,
        "notes": notes,
    }
    if full_failure:
        result["full_failure"] = full_failure
    if pandas_failure:
        result["pandas_failure"] = pandas_failure + f" (address space capped at {PANDAS_MEMORY_CAP_GIB} GiB)"
    incremental_database = None
    if "incremental" in only:
        print(f"kzmig bench: {world.size} {world.file_format}: warehouse on every delivery but the last "
              "(for the incremental build; not timed)", flush=True)
        result["timings"]["incremental"], incremental_database = incremental_runs(
            world, runs, warehouse_limit, log)
        result["slowest_nodes_incremental"] = slowest_nodes(world.run_dir)
        result["node_time_incremental"] = node_time(world.run_dir)
    if "full" in only:
        result["agreement"] = check_agreement(database, floor_dir if "floor" in only else None,
                                              pandas_dir if "pandas" in only and not pandas_failure else None,
                                              incremental_database)
    result["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
    result["ratios"] = ratios(result["timings"])
    result["targets"] = targets(result)
    return result


def ratios(timings: dict) -> dict:
    def ratio(numerator: str, denominator: str) -> float | None:
        if numerator in timings and denominator in timings:
            # four places: a build with nothing new is a fraction of a per cent of a full build
            return round(timings[numerator]["median_seconds"] / timings[denominator]["median_seconds"], 4)
        return None

    return {"warehouse / floor": ratio("full", "floor"), "pandas / warehouse": ratio("pandas", "full"),
            "incremental / full": ratio("incremental", "full"), "nothing new / full": ratio("nothing_new", "full")}


def targets(result: dict) -> list[dict]:
    """The targets of issue 27 that apply to this world, each with what was measured and
    whether it is met (None: not measured in this run)."""
    timings, ratio = result["timings"], result["ratios"]
    full = timings.get("full")

    def check(target: str, measured: str | None, met: bool | None) -> dict:
        return {"target": target, "measured": measured or "not measured", "met": met if measured else None}

    def within_floor(times: float) -> dict:
        value = ratio.get("warehouse / floor")
        return check(f"full build within {times:g}× the floor",
                     None if value is None else f"{full['median_seconds']:.1f} s ÷ "
                                                f"{timings['floor']['median_seconds']:.1f} s = {value:.2f}×",
                     value is not None and value <= times)

    def share_of_full(name: str, ratio_name: str, text: str, share: float) -> dict:
        value = ratio.get(ratio_name)
        return check(f"{text} at most {share * 100:g} % of the full build",
                     None if value is None else f"{timings[name]['median_seconds']:.1f} s = {value * 100:.1f} %",
                     value is not None and value <= share)

    found = []
    if result["size"] == "calibrated":
        found.append(within_floor(2.5))
        found.append(share_of_full("nothing_new", "nothing new / full", "a build with nothing new", 0.05))
    if result["size"] == "10y" and result["format"] == "parquet":
        found.append(within_floor(3))
        found.append(check("peak memory of the full build under 6 GiB",
                           full and f"{full['peak_rss_bytes'] / GIB:.2f} GiB",
                           full is not None and full["peak_rss_bytes"] < 6 * GIB))
        found.append(share_of_full("incremental", "incremental / full",
                                   "incremental build (one new month)", 0.10))
        found.append(share_of_full("nothing_new", "nothing new / full", "a build with nothing new", 0.05))
    if result["size"] == "100m":
        end_to_end = timings.get("end_to_end")
        if result.get("full_failure"):
            found.append(check("the full build and export finish", f"failed ({result['full_failure']})", False))
        else:
            found.append(check("the full build and export finish (time and peak memory)",
                               end_to_end and f"{end_to_end['median_seconds']:.1f} s, "
                                              f"{end_to_end['peak_rss_bytes'] / GIB:.2f} GiB",
                               end_to_end is not None))
    return found


# --- the report -------------------------------------------------------------------------------

def machine() -> dict:
    memory_kib = 0
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    versions = {}
    for package in ["dbt-core", "dbt-duckdb", "duckdb", "pandas", "pyarrow"]:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    versions["python"] = platform.python_version()
    return {"cores": os.cpu_count(), "memory_gib": round(memory_kib / 1024 / 1024, 1),
            "system": f"{platform.system()} {platform.release()} {platform.machine()}", "versions": versions}


def seconds_text(timing: dict | None) -> str:
    if not timing:
        return "—"
    return (f"{timing['median_seconds']:.1f} s ({', '.join(f'{s:.1f}' for s in timing['runs_seconds'])})"
            + (f", {timing['measured_at'][11:16]}" if "measured_at" in timing else ""))


def load_text(timing: dict | None) -> str:
    if not timing or "runs_load" not in timing:
        return "—"
    return ", ".join(f"{load:.2f}" for load in timing["runs_load"])


def memory_text(timing: dict | None) -> str:
    return f"{timing['peak_rss_bytes'] / GIB:.2f} GiB" if timing else "—"


def memory_limit_text(limits: dict) -> str:
    """Which DuckDB memory_limit the warehouse and the floor ran with, and whether it is the
    product's default."""
    if not limits["product_default"]:
        return (f"DuckDB memory_limit {limits['warehouse']} for the warehouse and the floor (--memory-limit; "
                f"not the product default, {limits['default']})")
    text = f"DuckDB memory_limit {limits['floor']}, the product default (kzmig.project.DEFAULT_DUCKDB_MEMORY_LIMIT"
    if limits.get("profile_default") == limits["floor"]:
        return text + " = profiles/profiles.yml), for the warehouse and the floor"
    return (text + f"), for the floor; the warehouse ran with profiles/profiles.yml's default, "
            f"{limits['warehouse']}, which differs")


def world_title(result: dict) -> str:
    arguments = " ".join(result.get("generate_arguments") or [])
    how = f"`kzmig generate {arguments}`" if arguments else "`kzmig generate`, calibrated"
    return (f"### {result['size']} world, {result['format'].upper()}: {result['rows']:,} rows in "
            f"{result['files']} deliveries ({how})")


LABELS = {"full": "full build (`kzmig build`, empty warehouse)",
          "export": "`kzmig export --latest`", "end_to_end": "end to end (full build + export)",
          "nothing_new": "build with nothing new (`kzmig build` again after the full build: up to date, no dbt)",
          "floor": "floor (floor.sql, every rule, one DuckDB statement chain)",
          "pandas": "pandas (the three marts)",
          "incremental": "incremental build (`kzmig build`) after one new delivery"}


def render(report: dict) -> str:
    lines = [f"Machine: {report['machine']['cores']} cores, {report['machine']['memory_gib']} GiB, "
             f"{report['machine']['system']}; "
             + ", ".join(f"{name} {version}" for name, version in report["machine"]["versions"].items()) + ".", ""]
    for result in report["worlds"]:
        timings = result["timings"]
        lines += [
            world_title(result),
            "",
            f"Started {result['started_at']}; {result['runs']} run(s) of each, interleaved; load average "
            f"{result['load_average_before'][0]} before, {result['load_average_after'][0]} after; "
            f"{memory_limit_text(result['memory_limits'])}.",
            "",
            "| computation | median (each run), finished at | load average at the start of each run | peak RSS |",
            "|---|---|---|---|",
        ]
        for name, label in LABELS.items():
            if name in timings:
                suffix = f" ({timings[name]['new_delivery']})" if name == "incremental" else ""
                lines.append(f"| {label}{suffix} | {seconds_text(timings[name])} | {load_text(timings[name])} "
                             f"| {memory_text(timings[name])} |")
        for name, failure in (("full", result.get("full_failure")), ("pandas", result.get("pandas_failure"))):
            if failure:
                lines.append(f"| {LABELS[name]} | failed: {failure} | — | — |")
        for note in result.get("notes", []):
            lines += ["", note]
        ratios_text = ", ".join(f"{name} = {value}" for name, value in result["ratios"].items() if value is not None)
        if ratios_text:
            lines += ["", f"Ratios: {ratios_text}."]
        if result.get("targets"):
            lines += ["", "Targets (issue 27): " + "; ".join(
                f"{target['target']}: {target['measured']}, "
                + {True: "**met**", False: "**not met**", None: "not measured"}[target["met"]]
                for target in result["targets"]) + "."]
        if "agreement" in result:
            checks = result["agreement"]["differing_rows"]
            disagreeing = {name: count for name, count in checks.items() if count}
            lines.append("")
            lines.append(("Agreement: all " + str(len(checks)) + " checks equal (0 differing rows): "
                          if not disagreeing else "Agreement FAILED: ") + "; ".join(
                f"{name}" + (f" ({count} differing rows)" if count else "") for name, count in checks.items()) + ".")
            lines.append("Mart rows: " + ", ".join(f"{mart} {rows:,}" for mart, rows in
                                                   result["agreement"]["mart_rows"].items()) + ".")
        for label, nodes, kinds in [
                ("Last full build", result.get("slowest_nodes"), result.get("node_time")),
                ("Last incremental build", result.get("slowest_nodes_incremental"),
                 result.get("node_time_incremental"))]:
            profile = profile_text(label, nodes or [], kinds or {})
            if profile:
                lines += [""] + [line for text in profile for line in (text, "")][:-1]
        lines.append("")
    return "\n".join(lines)


def write_report(output: Path, report: dict) -> None:
    section = f"{RESULTS_START}\n{render(report)}\n{RESULTS_END}"
    if output.exists():
        text = output.read_text(encoding="utf-8")
        if RESULTS_START in text and RESULTS_END in text:
            before, rest = text.split(RESULTS_START, 1)
            after = rest.split(RESULTS_END, 1)[1]
            text = before + section + after
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
    else:
        text = f"# Benchmarks\n\nWritten by `kzmig bench`.\n\n{section}\n"
    output.write_text(text, encoding="utf-8")


def merged(earlier_worlds: list[dict], result: dict) -> dict:
    """A world benched again with only some computations keeps the others' earlier figures
    (each timing says when it was measured); the agreement and the profile are the latest."""
    for earlier in earlier_worlds:
        if (earlier["size"], earlier["format"]) == (result["size"], result["format"]) and \
                earlier["rows"] == result["rows"] and "memory_limits" in earlier:
            result["timings"] = {**earlier["timings"], **result["timings"]}
            result.setdefault("agreement", earlier.get("agreement"))
            if not result["slowest_nodes"]:
                result["slowest_nodes"] = earlier.get("slowest_nodes", [])
            result["ratios"] = ratios(result["timings"])
            result["targets"] = targets(result)
    if result.get("agreement") is None:
        result.pop("agreement", None)
    return result


def worlds_to_bench(sizes: list[str], formats: list[str] | None) -> list[tuple[str, str]]:
    """(size, format) of each world benched: --formats for the worlds without a fixed format,
    each world's own format otherwise."""
    chosen = []
    for size in sizes:
        spec = SIZES[size]
        if spec.fixed_format or not formats:
            if formats and spec.fixed_format and formats != [spec.file_format]:
                print(f"kzmig bench: the {size} world is {spec.file_format.upper()} only; --formats does not "
                      "apply to it", flush=True)
            chosen.append((size, spec.file_format))
        else:
            chosen += [(size, file_format) for file_format in formats]
    return chosen


def bench(sizes: list[str], formats: list[str] | None, runs: int, only: list[str], work_dir: Path,
          memory_limit: str | None = None, output: Path | None = None, pandas_everywhere: bool = False) -> dict:
    formats = formats or None
    unknown = [size for size in sizes if size not in SIZES] + [
        f for f in formats or [] if f not in ("csv", "parquet")] + [name for name in only if name not in COMPUTATIONS]
    if unknown or runs < 1:
        raise KzmigError(f"unknown size, format or computation: {', '.join(unknown) or runs}")
    work_dir = work_dir.resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    limits = memory_limits(memory_limit)
    report = {"machine": machine(), "worlds": []}
    results_path = work_dir / "results.json"
    for size, file_format in worlds_to_bench(sizes, formats):
        result = bench_world(World(work_dir, size, file_format), runs, only, limits, pandas_everywhere)
        # the worlds benched earlier (or by another bench at the same time) stay in the
        # report until benched again
        if results_path.exists():
            report["worlds"] = [world for world in json.loads(results_path.read_text(encoding="utf-8")).get(
                "worlds", []) if world.get("size") in SIZES and "memory_limits" in world]
        result = merged(report["worlds"], result)
        report["worlds"] = sorted(
            [world for world in report["worlds"] if (world["size"], world["format"]) != (size, file_format)]
            + [result], key=lambda world: (list(SIZES).index(world["size"]), world["format"]))
        print(render({"machine": report["machine"], "worlds": [result]}), flush=True)
        results_path.write_text(json.dumps(report, indent=2), encoding="utf-8")
        if output is not None:
            write_report(output, report)
    return report


def run(args: argparse.Namespace) -> int:
    split = lambda text: [item.strip() for item in text.split(",") if item.strip()]  # noqa: E731
    report = bench(split(args.sizes), split(args.formats), args.runs, split(args.only), Path(args.work_dir),
                   args.memory_limit, None if args.output == "-" else Path(args.output), args.pandas_everywhere)
    failed = [name for result in report["worlds"] for name, count in
              result.get("agreement", {}).get("differing_rows", {}).items() if count]
    if failed:
        raise KzmigError("the computations disagree: " + "; ".join(failed))
    return 0
