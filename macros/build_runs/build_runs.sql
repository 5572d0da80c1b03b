{#-
    The build log: one row per `dbt build` / `dbt run` in audit.build_runs, written by
    the project's on-run-start and on-run-end hooks (see dbt_project.yml). The export
    (`kzmig export`) reads it to refuse a warehouse whose last build did not succeed
    and to state which build a release came from. Portable SQL only; the one engine
    difference (committing hook statements) goes through build_runs_commit().
-#}

{% macro build_runs_relation() -%}
    {{- return(api.Relation.create(
        database=target.database,
        schema=generate_schema_name('audit', none),
        identifier='build_runs',
        type='table',
    )) -}}
{%- endmacro %}


{% macro build_runs_is_recorded() -%}
    {#- Only the commands that (re)build models are builds; seed, test, compile and
        docs generate leave the log alone. -#}
    {{- return(flags.WHICH in ['build', 'run']) -}}
{%- endmacro %}


{% macro build_runs_timestamp(moment) -%}
    {#- A UTC datetime as a portable timestamp literal (microseconds kept). -#}
    cast('{{ moment.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{% macro record_build_start() -%}
    {%- if execute and build_runs_is_recorded() -%}
        {%- set build_runs = build_runs_relation() -%}
        create schema if not exists {{ build_runs.schema }};
        create table if not exists {{ build_runs }} (
            invocation_id {{ dbt.type_string() }} not null primary key,
            command {{ dbt.type_string() }} not null,
            target_name {{ dbt.type_string() }} not null,
            started_at {{ dbt.type_timestamp() }} not null,
            finished_at {{ dbt.type_timestamp() }},
            status {{ dbt.type_string() }} not null,
            failed_count {{ dbt.type_int() }},
            data_cutoff {{ dbt.type_string() }}
        );
        {#- a log created before data_cutoff existed gets it (portable: DuckDB and PostgreSQL) -#}
        alter table {{ build_runs }} add column if not exists data_cutoff {{ dbt.type_string() }};
        {#- a build still 'running' when the next one starts was stopped before its end
            (a failed on-run-start hook under plain dbt, a killed process): it aborted -#}
        update {{ build_runs }} set status = 'aborted' where status = 'running';
        insert into {{ build_runs }} (
            invocation_id, command, target_name, started_at, finished_at, status, failed_count,
            data_cutoff
        )
        values (
            '{{ invocation_id }}',
            '{{ flags.WHICH }}',
            '{{ target.name }}',
            {{ build_runs_timestamp(run_started_at or modules.datetime.datetime.now(modules.pytz.utc)) }},
            null,
            'running',
            null,
            {{ build_runs_cutoff() }}
        );
        {{ build_runs_commit() }}
    {%- endif -%}
{%- endmacro %}


{% macro build_runs_cutoff() -%}
    {#- var('cutoff') of the build as text, or null when everything landed counts. -#}
    {%- set cutoff = var('cutoff', none) -%}
    {%- if cutoff is none or (cutoff | string | trim | lower) in ('', 'none', 'null') -%}
        null
    {%- else -%}
        '{{ cutoff | string | trim | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}


{% macro record_build_end(results) -%}
    {%- if execute and build_runs_is_recorded() -%}
        {%- set build_runs = build_runs_relation() -%}
        {%- set failed = build_failures(results) -%}
        update {{ build_runs }}
        set
            finished_at = {{ build_runs_timestamp(modules.datetime.datetime.now(modules.pytz.utc)) }},
            status = '{{ "error" if failed else "success" }}',
            failed_count = {{ failed | length }}
        where invocation_id = '{{ invocation_id }}';
        {{ build_runs_commit() }}
    {%- endif -%}
{%- endmacro %}


{% macro build_failures(results) -%}
    {#- The results that did not succeed. `results` (of the on-run-end hook) holds every
        node's result and every failed on-run-start hook. -#}
    {%- set failed = [] -%}
    {%- for result in results -%}
        {%- if result.status not in ['success', 'pass', 'warn', 'no-op'] -%}
            {%- do failed.append(result) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(failed) -}}
{%- endmacro %}


{% macro build_runs_commit() -%}
    {{- return(adapter.dispatch('build_runs_commit', 'kz_migration')()) -}}
{%- endmacro %}

{% macro default__build_runs_commit() -%}
    {#- psycopg2 opens a transaction with the first statement of a hook and nobody
        commits it: without this the log row would be rolled back. -#}
    commit;
{%- endmacro %}

{% macro duckdb__build_runs_commit() -%}
    {#- DuckDB runs hook statements in auto-commit; a bare commit would fail. -#}
{%- endmacro %}
