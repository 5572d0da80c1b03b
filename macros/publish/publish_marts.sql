{#-
    Publish the marts: the on-run-end hook (before record_build_end) that, after a
    `dbt build` in which every node succeeded (tests included) and no on-run-start hook
    failed, replaces the copy of schema `marts` that analysts, BI tools and
    `kzmig export` read, whole and at once. Any other command, and a build with a
    failure, publishes nothing: the last good publication stays. Returns no SQL.
    A failure while publishing fails the hook (the build's log row is then not
    `success`) and leaves the previous publication in place.
-#}
{% macro publish_marts(results) -%}
    {%- if execute and flags.WHICH == 'build' and not build_failures(results) -%}
        {%- do adapter.dispatch('publish_marts', 'kz_migration')() -%}
    {%- endif -%}
{%- endmacro %}


{#-
    DuckDB: a new file under a temporary name in the publications folder beside the
    published name (kzmig_publication_start), opened in storage version v1.1.0 (DuckDB
    1.1 and later read it); every table of `marts` copied into it with its descriptions,
    and meta.publication (one row: the build, when it was published, and
    has_synthetic_data, the synthetic mark of marts.dim_release); detached (checkpointed,
    closed); then published by the dbt-duckdb plugin (kzmig_publication_finish,
    kzmig.publish): the file gets a folder of its own and the published name, a symbolic
    link, is swapped onto it atomically. A reader holding an old publication keeps
    reading it; a new connection, also in a process that holds one, opens the new one.
    The build never opens a published file itself, so readers never block the build.
-#}
{% macro duckdb__publish_marts() -%}
    {%- set paths = fromjson(run_query(
        'select kzmig_publication_start('
        ~ sql_text(target.path) ~ ', '
        ~ sql_text(env_var('KZMIG_PUBLISHED_PATH', '')) ~ ', '
        ~ sql_text(invocation_id) ~ ')'
    ).columns[0].values()[0]) -%}
    {%- set marts_schema = generate_schema_name('marts', none) -%}
    {%- set tables = run_query(
        "select table_name, comment from duckdb_tables()"
        ~ " where database_name = current_database() and schema_name = " ~ sql_text(marts_schema)
        ~ " order by table_name"
    ) -%}
    {%- set columns = run_query(
        "select table_name, column_name, comment from duckdb_columns()"
        ~ " where database_name = current_database() and schema_name = " ~ sql_text(marts_schema)
        ~ " and comment is not null order by table_name, column_index"
    ) -%}
    {%- set finished_at = build_runs_timestamp(modules.datetime.datetime.now(modules.pytz.utc)) -%}
    {%- call statement('publish_marts', auto_begin=False) -%}
        attach {{ sql_text(paths.temporary) }} as kzmig_publication (storage_version 'v1.1.0');
        create schema kzmig_publication.{{ adapter.quote(marts_schema) }};
        {%- for table in tables.rows %}
        {%- set name = 'kzmig_publication.' ~ adapter.quote(marts_schema) ~ '.' ~ adapter.quote(table[0]) %}
        create table {{ name }} as
        select * from {{ adapter.quote(marts_schema) }}.{{ adapter.quote(table[0]) }};
        {%- if table[1] %}
        comment on table {{ name }} is {{ sql_text(table[1]) }};
        {%- endif %}
        {%- for column in columns.rows if column[0] == table[0] %}
        comment on column {{ name }}.{{ adapter.quote(column[1]) }} is {{ sql_text(column[2]) }};
        {%- endfor %}
        {%- endfor %}
        create schema kzmig_publication.meta;
        create table kzmig_publication.meta.publication as
        select
            cast({{ sql_text(invocation_id) }} as varchar) as invocation_id,
            cast({{ sql_text(flags.WHICH) }} as varchar) as command,
            cast({{ sql_text(target.name) }} as varchar) as target_name,
            {{ build_runs_timestamp(run_started_at) }} as build_started_at,
            {{ finished_at }} as build_finished_at,
            cast({{ build_runs_cutoff() }} as varchar) as data_cutoff,
            cast({{ tables.rows | length }} as integer) as mart_count,
            cast(current_timestamp at time zone 'UTC' as timestamp) as published_at,
            cast({{ publication_synthetic_mark(marts_schema, tables.columns[0].values()) }} as boolean)
                as has_synthetic_data;
        comment on table kzmig_publication.meta.publication is {{ sql_text(publication_record_description()) }};
        detach kzmig_publication;
    {%- endcall -%}
    {%- do run_query(
        'select kzmig_publication_finish(' ~ sql_text(paths.temporary) ~ ', ' ~ sql_text(paths.final) ~ ')'
    ) -%}
    {{- log('Published ' ~ (tables.rows | length) ~ ' marts into ' ~ paths.final, info=true) -}}
{%- endmacro %}


{#-
    PostgreSQL: dbt builds the marts into the private schema `marts_build`
    (generate_schema_name); BI tools read `marts`. In one transaction: copy every table
    of `marts_build` into a new schema `marts_next` (columns, constraints and
    descriptions); take every table of the current `marts` in ACCESS EXCLUSIVE mode
    (NOWAIT, retried every 0.2 s until no reader holds one, at most
    var('publish_lock_timeout_seconds', 600) s: a reader's open transaction keeps its
    old marts to its end, and the publication never waits while holding a lock, so it
    cannot deadlock with a reader); rename `marts` away and `marts_next` to `marts`;
    drop the old tables; grant `bi_reader` usage on the schema and select on every
    table; record the publication in audit.publications (with has_synthetic_data, the
    synthetic mark of marts.dim_release) and replace the publication record that
    bi_reader reads, meta.publication (the same row; locked with the marts, so a
    reader's transaction that read it keeps the record of its marts); commit. A reader
    sees the previous set with its record or the new one with its, never a mix;
    statements queued behind the swap read the new tables.
-#}
{% macro postgres__publish_marts() -%}
    {%- set build_schema = generate_schema_name('marts', none) -%}
    {%- set public_schema = 'marts' -%}
    {%- set record_schema = 'meta' -%}
    {%- set role = 'bi_reader' -%}
    {%- set tables = run_query(
        "select c.relname, obj_description(c.oid, 'pg_class') from pg_class as c"
        ~ " inner join pg_namespace as n on c.relnamespace = n.oid"
        ~ " where n.nspname = " ~ sql_text(build_schema) ~ " and c.relkind in ('r', 'p')"
        ~ " order by c.relname"
    ) -%}
    {%- set current_tables = run_query(
        "select c.relname from pg_class as c inner join pg_namespace as n on c.relnamespace = n.oid"
        ~ " where n.nspname = " ~ sql_text(public_schema) ~ " and c.relkind in ('r', 'p')"
        ~ " order by c.relname"
    ).columns[0].values() -%}
    {%- set schema_exists = run_query(
        "select count(*) from pg_namespace where nspname = " ~ sql_text(public_schema)
    ).columns[0].values()[0] > 0 -%}
    {%- set timeout = var('publish_lock_timeout_seconds', 600) | int -%}
    {%- set finished_at = build_runs_timestamp(modules.datetime.datetime.now(modules.pytz.utc)) -%}
    {%- call statement('publish_marts', auto_begin=False) -%}
        drop schema if exists marts_next cascade;
        create schema marts_next;
        {%- for table in tables.rows %}
        create table marts_next.{{ adapter.quote(table[0]) }}
            (like {{ adapter.quote(build_schema) }}.{{ adapter.quote(table[0]) }} including all);
        insert into marts_next.{{ adapter.quote(table[0]) }}
        select * from {{ adapter.quote(build_schema) }}.{{ adapter.quote(table[0]) }};
        {%- if table[1] %}
        comment on table marts_next.{{ adapter.quote(table[0]) }} is {{ sql_text(table[1]) }};
        {%- endif %}
        {%- endfor %}
        create schema if not exists {{ adapter.quote(record_schema) }};
        create table if not exists {{ adapter.quote(record_schema) }}.publication (
            invocation_id {{ dbt.type_string() }} not null primary key,
            command {{ dbt.type_string() }} not null,
            target_name {{ dbt.type_string() }} not null,
            build_started_at {{ dbt.type_timestamp() }} not null,
            build_finished_at {{ dbt.type_timestamp() }} not null,
            data_cutoff {{ dbt.type_string() }},
            mart_count {{ dbt.type_int() }} not null,
            published_at {{ dbt.type_timestamp() }} not null,
            has_synthetic_data boolean
        );
        do $lock$
        declare
            deadline timestamptz := clock_timestamp() + interval '{{ timeout }} seconds';
        begin
            loop
                begin
                    lock table
                        {%- for name in current_tables %}
                        {{ adapter.quote(public_schema) }}.{{ adapter.quote(name) }},
                        {%- endfor %}
                        {{ adapter.quote(record_schema) }}.publication
                    in access exclusive mode nowait;
                    exit;
                exception when lock_not_available then
                    if clock_timestamp() > deadline then
                        raise exception 'cannot publish the marts: readers held them for {{ timeout }} s';
                    end if;
                    perform pg_sleep(0.2);
                end;
            end loop;
        end
        $lock$;
        {%- if schema_exists %}
        drop schema if exists marts_previous cascade;
        alter schema {{ adapter.quote(public_schema) }} rename to marts_previous;
        {%- endif %}
        alter schema marts_next rename to {{ adapter.quote(public_schema) }};
        {%- if schema_exists %}
        drop schema marts_previous cascade;
        {%- endif %}
        grant usage on schema {{ adapter.quote(public_schema) }} to {{ adapter.quote(role) }};
        grant select on all tables in schema {{ adapter.quote(public_schema) }} to {{ adapter.quote(role) }};
        create schema if not exists {{ generate_schema_name('audit', none) }};
        create table if not exists {{ generate_schema_name('audit', none) }}.publications (
            invocation_id {{ dbt.type_string() }} not null primary key,
            command {{ dbt.type_string() }} not null,
            target_name {{ dbt.type_string() }} not null,
            build_started_at {{ dbt.type_timestamp() }} not null,
            build_finished_at {{ dbt.type_timestamp() }} not null,
            data_cutoff {{ dbt.type_string() }},
            mart_count {{ dbt.type_int() }} not null,
            published_at {{ dbt.type_timestamp() }} not null
        );
        alter table {{ generate_schema_name('audit', none) }}.publications
            add column if not exists has_synthetic_data boolean;
        insert into {{ generate_schema_name('audit', none) }}.publications (
            invocation_id, command, target_name, build_started_at, build_finished_at,
            data_cutoff, mart_count, published_at, has_synthetic_data
        )
        values (
            {{ sql_text(invocation_id) }}, {{ sql_text(flags.WHICH) }}, {{ sql_text(target.name) }},
            {{ build_runs_timestamp(run_started_at) }}, {{ finished_at }}, {{ build_runs_cutoff() }},
            {{ tables.rows | length }}, cast(now() at time zone 'utc' as {{ dbt.type_timestamp() }}),
            {{ publication_synthetic_mark(build_schema, tables.columns[0].values()) }}
        );
        delete from {{ adapter.quote(record_schema) }}.publication;
        insert into {{ adapter.quote(record_schema) }}.publication
        select
            invocation_id, command, target_name, build_started_at, build_finished_at,
            data_cutoff, mart_count, published_at, has_synthetic_data
        from {{ generate_schema_name('audit', none) }}.publications
        where invocation_id = {{ sql_text(invocation_id) }};
        comment on table {{ adapter.quote(record_schema) }}.publication is {{ sql_text(publication_record_description()) }};
        grant usage on schema {{ adapter.quote(record_schema) }} to {{ adapter.quote(role) }};
        grant select on {{ adapter.quote(record_schema) }}.publication to {{ adapter.quote(role) }};
        commit;
    {%- endcall -%}
    {{- log('Published ' ~ (tables.rows | length) ~ ' marts into schema ' ~ public_schema, info=true) -}}
{%- endmacro %}


{#-
    The synthetic mark of a publication: an SQL expression, true when marts.dim_release of
    the marts being published says the warehouse holds synthetic data
    (has_synthetic_data), null when those marts have no dim_release.
-#}
{% macro publication_synthetic_mark(marts_schema, table_names) -%}
    {%- if 'dim_release' in table_names -%}
        (select coalesce(bool_or(has_synthetic_data), false)
        from {{ adapter.quote(marts_schema) }}.{{ adapter.quote('dim_release') }})
    {%- else -%}
        null
    {%- endif -%}
{%- endmacro %}


{#-
    The description of the publication record meta.publication (DuckDB: in the published
    file; PostgreSQL: schema meta, readable by bi_reader), one text for both engines.
-#}
{% macro publication_record_description() -%}
    The build these marts come from (one row): dbt invocation id, command, target, build started and finished (UTC), its data cut-off (null: everything landed), the number of marts, when they were published (UTC), and whether they hold synthetic data (true: made up by kzmig generate, never publish them; marts.dim_release.has_synthetic_data).
{%- endmacro %}


{% macro default__publish_marts() -%}
    {{ exceptions.raise_compiler_error('publish_marts: no implementation for ' ~ target.type) }}
{%- endmacro %}
