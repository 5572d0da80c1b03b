"""`kzmig build`: check the landing folder, then one `dbt build` (seeds, models, data tests).

Seeds are always loaded afresh (`full_refresh: true` in dbt_project.yml). dbt's unit tests
check the rules, not the data: they run in the test suite (`--unit-tests`), not in every
production build (dbt's own advice).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
from pathlib import Path

from kzmig.process import Stopped, exclusive
from kzmig.project import (DEFAULT_LANDING_DIR, PROJECT_DIR, KzmigError, cutoff_argument, dbt_vars, log_dir,
                           naming_path, os_error_message, run_dbt, warehouse_path)

BUILD_LOG_NAME = "kzmig-build.log"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("build", help="dbt build of the whole warehouse: seeds, models, data tests (on postgres: kzmig load first)")
    parser.add_argument("--landing-dir", default=str(DEFAULT_LANDING_DIR),
                        help="folder of coupon extracts (default: data/landing)")
    parser.add_argument("--cutoff", default=None, type=cutoff_argument,
                        help="data cut-off, YYYY-MM-DDTHH:MM:SS (default: everything landed)")
    parser.add_argument("--target", default=None, choices=("duckdb", "postgres"),
                        help="dbt target (default: $DBT_TARGET, else duckdb)")
    parser.add_argument("--full-refresh", action="store_true",
                        help="read every delivery afresh and rebuild everything (the way to take back "
                             "a delivery that was read before)")
    parser.add_argument("--force", action="store_true",
                        help="run dbt build even when nothing is new (same deliveries, seeds, cut-off and "
                             "project as the last successful build: otherwise the build says the warehouse "
                             "is up to date and does nothing)")
    parser.add_argument("--warn-error", action="store_true", help="treat dbt warnings as errors")
    parser.add_argument("--unit-tests", action="store_true",
                        help="run dbt's unit tests of the rules too (the test suite does; a production "
                             "build runs only the data tests)")
    add_verbose_argument(parser)
    parser.set_defaults(run=run)


def add_verbose_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verbose", action="store_true",
                        help=f"show dbt's own lines as it runs (they always go to <log dir>/{BUILD_LOG_NAME})")


def deliveries_read_before(database: Path) -> dict | None:
    """What an earlier build of the DuckDB warehouse read of each delivery, by file name.

    None when the warehouse, its coupon rows or their record of deliveries
    (staging.stg_coupons__deliveries) do not exist: every delivery is then read afresh.
    The same rule as the dbt hook's (macros/landing/prepare_landing.sql).
    """
    import duckdb

    from kzmig.landing import reports_from_dicts

    if not database.exists():
        return None
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            tables = {name for (name,) in connection.execute(
                "select table_name from duckdb_tables() where schema_name = 'staging'").fetchall()}
            if not {"stg_coupons__deliveries", "stg_coupons__extract_rows"} <= tables:
                return None
            cursor = connection.execute(
                "select source_file, file_format, file_size_bytes, file_sha256, row_count"
                " from staging.stg_coupons__deliveries")
            names = [column[0] for column in cursor.description]
            return reports_from_dicts(dict(zip(names, row)) for row in cursor.fetchall())
    except duckdb.Error as error:
        raise KzmigError(f"cannot read the warehouse {database}: {str(error).splitlines()[0]}") from None


def check_landing_first(landing_dir: str | os.PathLike, full_refresh: bool, report_path: Path) -> list:
    """Check every delivery before anything runs (DuckDB); write the reports for the dbt hook.

    Raises MalformedDelivery (one clear message) on a malformed or changed delivery, and
    KzmigError on a malformed synthetic manifest (kzmig.landing.synthetic_manifest_entries). The
    reports, with each file's modification time, go to `report_path` (JSON), so that the
    hook does not read again what was just read (var landing_checked).
    """
    from kzmig.landing import check_landing, synthetic_manifest_entries

    read_before = None if full_refresh else deliveries_read_before(warehouse_path())
    reports = check_landing(landing_dir, read_before)
    synthetic_manifest_entries(landing_dir)  # a malformed synthetic manifest stops here too
    landing = Path(landing_dir)
    rows = [{**report.as_dict(), "mtime_ns": (landing / report.source_file).stat().st_mtime_ns}
            for report in reports]
    with naming_path(report_path):
        report_path.write_text(json.dumps(rows), encoding="utf-8")
    return reports


def warehouse_description(target_name: str) -> str:
    """Where the build went, for the summary."""
    from kzmig.publish import published_path

    if target_name == "postgres":
        return (f"PostgreSQL database {os.environ.get('KZMIG_PG_DATABASE', 'kz_migration')} on "
                f"{os.environ.get('KZMIG_PG_HOST', 'localhost')}:{os.environ.get('KZMIG_PG_PORT', '5432')}"
                " (readers and BI tools: schema marts)")
    return f"{warehouse_path()} (readers and BI tools: {published_path()})"


def build(landing_dir, cutoff=None, target=None, warn_error=False, quiet=False, full_refresh=False,
          verbose=False, unit_tests=False, force=False) -> None:
    """Check the landing folder, then dbt build; show progress and a summary unless quiet.

    On DuckDB, nothing runs when the inputs are those of the last successful build
    (kzmig.build_inputs) unless `force`, `full_refresh` or `unit_tests` asks for a build.

    dbt's full output goes to <log dir>/kzmig-build.log; a failure raises KzmigError with
    the one message and that log's path.
    """
    if not Path(landing_dir).is_dir():
        raise KzmigError(f"landing folder {landing_dir} "
                         + ("is not a folder" if Path(landing_dir).exists() else "does not exist"))
    target_name = target or os.environ.get("DBT_TARGET", "duckdb")
    # One build at a time: a second one is refused before it touches anything of the
    # first, its log included.
    with contextlib.ExitStack() as locks:
        for lock_path, what in build_locks(target_name):
            locks.enter_context(exclusive(lock_path, what))
        _build_logged(landing_dir, cutoff, target, target_name, warn_error, quiet, full_refresh, verbose,
                      unit_tests, force)


def build_locks(target_name: str) -> list[tuple[Path, str]]:
    """The locks a build holds: its DuckDB warehouse file's (beside it: kz_migration.duckdb
    has kz_migration.build-lock), and its log folder's (where kzmig-build.log is)."""
    locks = []
    if target_name != "postgres":
        database = warehouse_path()
        locks.append((database.with_suffix(".build-lock"), f"the warehouse {database}"))
    locks.append((log_dir() / "kzmig-build.lock", f"the log folder {log_dir()}"))
    return locks


def _build_logged(landing_dir, cutoff, target, target_name, warn_error, quiet, full_refresh, verbose,
                  unit_tests, force=False) -> None:
    from kzmig.progress import BuildDisplay

    with BuildDisplay(log_dir() / BUILD_LOG_NAME, quiet=quiet, verbose=verbose) as display:
        try:
            _build(display, landing_dir, cutoff, target, target_name, warn_error, full_refresh, unit_tests,
                   force)
        except KzmigError as error:
            if getattr(error, "log_path", None) is None and display.logging:
                display.log(f"kzmig: error: {error}")
                error.log_path = display.log_path
            raise
        except OSError as error:  # printed by kzmig.cli as one line naming the path
            if display.logging:
                display.log(f"kzmig: error: {os_error_message(error)}")
            raise
        # the years the reference data do not cover (spec 1.2: counted, never a stop)
        from kzmig.reference_years import reference_year_notes

        display.summary(warehouse_description(target_name), notes=reference_year_notes(target_name))


def _build(display, landing_dir, cutoff, target, target_name, warn_error, full_refresh, unit_tests,
           force=False) -> None:
    from kzmig import build_inputs

    extra_vars = {}
    report_path = None
    settings = checked_times = None
    # The project's fingerprint, for the release-scoped models (macro release_scope): a
    # model built with another project is recomputed whole.
    os.environ["KZMIG_PROJECT_SHA256"] = build_inputs.project_digest()
    if target_name != "postgres":
        settings = build_inputs.build_settings(landing_dir, cutoff, target_name, warn_error)
        if not (force or full_refresh or unit_tests):
            with display.step("up-to-date check") as step:
                last = build_inputs.up_to_date(landing_dir, settings, warehouse_path())
                step.note = (f"nothing new since build {last}: the warehouse and its publication are up to "
                             "date, dbt not run (--force builds all the same)" if last else "something is new")
            if last:
                return
        checked_times = build_inputs.delivery_times(landing_dir)
    if target_name == "postgres":
        # PostgreSQL cannot read the files itself: check and copy new deliveries into the
        # raw table first (a delivery already loaded is skipped; a changed one stops).
        from kzmig.load import load

        with display.step("landing check and load into PostgreSQL"):
            load(landing_dir, quiet=display.quiet, full_refresh=full_refresh)
    else:
        # A fixed path, so that dbt's partial parsing is not undone by a new var each time.
        report_path = Path(os.environ.get("DBT_TARGET_PATH", PROJECT_DIR / "target")) / "landing_checked.json"
        report_path.parent.mkdir(parents=True, exist_ok=True)
        with display.step("landing check") as step:
            reports = check_landing_first(landing_dir, full_refresh, report_path)
            step.note = f"{len(reports)} deliveries in {landing_dir}"
        extra_vars["landing_checked"] = str(report_path.resolve())
    try:
        variables = ["--vars", dbt_vars(landing_dir, cutoff, **extra_vars)]
        flags = ["--warn-error"] if warn_error else []
        # One dbt command: its start-up and parsing cost seconds. The seeds load afresh in
        # it (full_refresh: true in dbt_project.yml) before the models that read them.
        refresh = ["--full-refresh"] if full_refresh else []
        if not unit_tests:
            refresh += ["--exclude-resource-type", "unit_test"]
        launched = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(seconds=1)
        try:
            run_dbt([*flags, "build", *refresh, *variables], target=target, display=display)
            if settings is not None:
                build_inputs.record_inputs(warehouse_path(), settings, checked_times)
        except KzmigError:
            mark_build_failed(target_name, launched)
            raise
        except Stopped as stopped:
            stopped.published = record_stop(target_name, launched, stopped)
            stopped.detail = stop_detail(stopped)
            display.log(f"kzmig: {stopped.message()}")
            raise
    finally:
        if report_path is not None:
            report_path.unlink(missing_ok=True)


def stop_detail(stopped: Stopped) -> str:
    """What a build stopped by a signal left, for its one line."""
    if stopped.published:
        return ("the build had already published its marts (the stop came after the publication's "
                "commit point) and is logged as it ended")
    return "nothing published, the build is logged 'aborted' in audit.build_runs"


def record_stop(target_name: str, launched: dt.datetime, stopped: Stopped) -> bool:
    """After dbt build was stopped (its processes are gone): on PostgreSQL, end its
    server sessions first (a statement it sent runs on without it; a publication not yet
    committed is rolled back). Then whether the build published before the stop, and if
    it did not, its row of audit.build_runs is marked 'aborted'. Best effort, as
    mark_build_failed."""
    published = stopped.published
    if target_name == "postgres":
        published = postgres_stop(launched)
    if not published:
        mark_build_failed(target_name, launched, status="aborted", replacing=("running", "error"))
    elif target_name == "postgres":
        # the swap committed, then dbt was stopped before its last hook: every node had
        # succeeded (only such a build publishes), so the row says what happened
        mark_build_failed(target_name, launched, status="success", replacing=("running",))
    return published


def postgres_stop(launched: dt.datetime) -> bool:
    """End the PostgreSQL sessions of the stopped dbt (dbt-postgres names them 'dbt'; those
    of this database and role opened since the build started), and whether its build's
    publication had committed (audit.publications)."""
    try:
        from kzmig.load import connect

        with connect() as connection, connection.cursor() as cursor:
            cursor.execute("select pg_terminate_backend(pid) from pg_stat_activity "
                           "where application_name = 'dbt' and datname = current_database() "
                           "and usename = current_user and pid <> pg_backend_pid() "
                           "and backend_start >= %s at time zone 'utc'", [launched])
            cursor.execute("select to_regclass('audit.build_runs') is not null "
                           "and to_regclass('audit.publications') is not null")
            if not cursor.fetchone()[0]:
                return False
            cursor.execute("select count(*) from audit.publications as publications "
                           "inner join audit.build_runs as runs using (invocation_id) "
                           "where runs.command = 'build' and runs.started_at >= %s", [launched])
            published = cursor.fetchone()[0] > 0
        connection.close()
        return published
    except Exception:  # noqa: BLE001 - the stop is what the user must see
        return False


def mark_build_failed(target_name: str, launched: dt.datetime, status: str = "error",
                      replacing: tuple[str, ...] = ("running",)) -> None:
    """After dbt build exited non-zero: its row of audit.build_runs, if still 'running'
    (an on-run-start hook failed, the publication failed), is marked 'error'; after a
    stop (record_stop), `status` ('aborted', or 'success' for a PostgreSQL build whose
    publication committed before the stop). Best effort: a log that cannot be opened is left alone
    (the next build marks a row left 'running' 'aborted')."""
    statuses = ", ".join(f"'{name}'" for name in replacing)
    sql = (f"update audit.build_runs set status = '{status}', finished_at = {{now}} "
           f"where status in ({statuses}) and command = 'build' and started_at >= {{since}}")
    try:
        if target_name == "postgres":
            from kzmig.load import connect

            with connect() as connection, connection.cursor() as cursor:
                cursor.execute("select to_regclass('audit.build_runs') is not null")
                if cursor.fetchone()[0]:
                    cursor.execute(sql.format(now="(now() at time zone 'utc')", since="%s"), [launched])
            connection.close()
        else:
            import duckdb

            database = warehouse_path()
            if not database.exists():
                return
            with duckdb.connect(str(database)) as connection:
                present = connection.execute(
                    "select count(*) from duckdb_tables() "
                    "where schema_name = 'audit' and table_name = 'build_runs'").fetchone()[0]
                if present:
                    connection.execute(sql.format(now="cast(current_timestamp at time zone 'UTC' as timestamp)",
                                                  since="?"), [launched])
    except Exception:  # noqa: BLE001 - the build's own error is what the user must see
        pass


def run(args: argparse.Namespace) -> int:
    build(args.landing_dir, args.cutoff, args.target, args.warn_error, full_refresh=args.full_refresh,
          verbose=args.verbose, unit_tests=args.unit_tests, force=args.force)
    return 0
