"""dbt-duckdb plugin: the landing check of kzmig.landing as a SQL function on DuckDB.

profiles/profiles.yml loads it (`plugins: - module: kzmig.dbt_plugin`), so that the dbt
hook that prepares the landing folder (macros/landing/prepare_landing.sql) checks the
deliveries with the same code as `kzmig build` and `kzmig load`, also under plain dbt.

SQL: kzmig_check_landing(landing_dir VARCHAR, read_before VARCHAR, checked_now VARCHAR)
returns VARCHAR, a JSON object: {"deliveries": [report, ...], "synthetic_manifest":
[entry, ...]} (DeliveryReport's fields, in file name order; the deliveries a synthetic
world's manifest.json in the folder lists, ManifestEntry's fields, [] when there is none)
or {"error": "<the one clear message>"}. read_before is a JSON list of
the reports an earlier build read (or null); checked_now the path of a JSON file of
reports that `kzmig build` made moments before (or null).

It also registers the two file steps of publishing the marts (kzmig.publish; called by
macros/publish/publish_marts.sql after a successful build):
kzmig_publication_start(build_path VARCHAR, configured_path VARCHAR, invocation_id VARCHAR)
returns the JSON object {"temporary": path, "final": path} (the new publication's file
under a temporary name; stale temporary files removed), and
kzmig_publication_finish(temporary VARCHAR, final VARCHAR) gives the written, detached
file its folder among the publications, points the published name (a symbolic link) at
it, removes old publications no reader holds, and returns the published name.
"""

from __future__ import annotations

import json
import os

from dbt.adapters.duckdb.plugins import BasePlugin

from kzmig import publish
from kzmig.landing import check_landing, reports_from_dicts, synthetic_manifest_entries
from kzmig.project import KzmigError, os_error_message

FUNCTION_NAME = "kzmig_check_landing"


def check_landing_json(landing_dir: str, read_before: str | None, checked_now: str | None) -> str:
    """The JSON answer of kzmig_check_landing (see the module's docstring)."""
    try:
        before = reports_from_dicts(json.loads(read_before)) if read_before else None
        recent = None
        if checked_now and os.path.exists(checked_now):
            with open(checked_now, encoding="utf-8") as handle:
                recent = {row["source_file"]: (reports_from_dicts([row])[row["source_file"]], row["mtime_ns"])
                          for row in json.load(handle)}
        reports = check_landing(landing_dir, before, recent)
        listed = synthetic_manifest_entries(landing_dir)
    except KzmigError as error:
        return json.dumps({"error": str(error)})
    except OSError as error:  # an unreadable delivery or folder: one line naming it
        return json.dumps({"error": f"cannot read the landing folder {landing_dir}: {os_error_message(error)}"})
    return json.dumps({"deliveries": [report.as_dict() for report in reports],
                       "synthetic_manifest": [entry.as_dict() for entry in listed]})


def publication_start(build_path: str, configured_path: str | None, invocation_id: str) -> str:
    temporary, final = publish.start_publication(build_path, configured_path or None, invocation_id)
    return json.dumps({"temporary": str(temporary), "final": str(final)})


def publication_finish(temporary: str, final: str) -> str:
    return str(publish.finish_publication(temporary, final))


FUNCTIONS = [
    (FUNCTION_NAME, check_landing_json, ["VARCHAR", "VARCHAR", "VARCHAR"]),
    ("kzmig_publication_start", publication_start, ["VARCHAR", "VARCHAR", "VARCHAR"]),
    ("kzmig_publication_finish", publication_finish, ["VARCHAR", "VARCHAR"]),
]


class Plugin(BasePlugin):
    """Registers the kzmig_* functions on every DuckDB connection and cursor dbt opens."""

    def configure_connection(self, conn) -> None:
        _register(conn)

    def configure_cursor(self, cursor) -> None:
        _register(cursor)


def _register(connection) -> None:
    import duckdb

    for name, function, parameters in FUNCTIONS:
        try:
            connection.create_function(name, function, parameters, "VARCHAR",
                                       null_handling="special", side_effects=True)
        except duckdb.Error as error:
            if "already" not in str(error).lower():
                raise
