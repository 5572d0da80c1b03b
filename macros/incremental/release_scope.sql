{#-
    Release-scoped rebuilds: a table model of rows by release (release_id) recomputes the
    releases that what landed since it was last built can change, and keeps the rows of
    the others as they are.

    Knowledge time makes it safe: an evaluation counts the coupon versions submitted at or
    before its cut-off, and whatever a new delivery changes (its versions, the versions they
    end, conflicts, duplicate registrations) changes from the delivery's submissions on. So a
    release whose cut-off is before the earliest submitted_at of the rows ingested since the
    model was built (stg_coupons__extract_rows.ingested_at) is unchanged. `latest` (no
    cut-off, or the build's) is recomputed whenever anything was ingested.

    The model is recomputed whole when it does not exist yet, on --full-refresh, when it was
    never recorded (audit.release_scopes), or when the project is not the one it was built
    with: the fingerprint of kzmig build (KZMIG_PROJECT_SHA256: every model, macro, seed,
    test and the project's settings and versions, kzmig.build_inputs) and the cut-off
    (var cutoff). A plain `dbt build` has no fingerprint and recomputes whole: it is always
    correct, and only kzmig build saves the work.

    Use: `{%- set scope = release_scope() %}` before the model's SQL; a `-- depends_on:`
    line for int_evaluations_selected and stg_coupons__extract_rows; the CTE of
    release_scope_changed_releases(scope) and the filter release_scope_filter(scope, column)
    where the model reads its counts; `select * from final` followed by
    release_scope_kept_rows(scope); and the post-hook record_release_scope().
-#}
{% macro release_scope_relation() -%}
    {{- return(api.Relation.create(
        database=target.database,
        schema=generate_schema_name('audit', none),
        identifier='release_scopes',
        type='table',
    )) -}}
{%- endmacro %}


{% macro release_scope_fingerprint() -%}
    {%- set project = env_var('KZMIG_PROJECT_SHA256', '') -%}
    {%- if not project -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(local_md5(project ~ '|' ~ target.type ~ '|' ~ (var('cutoff') | string))) -}}
{%- endmacro %}


{#- A namespace: is_partial (true: only the releases changed since ingested_after) and
    ingested_after (a timestamp literal: the latest ingested_at the model had seen). -#}
{% macro release_scope() -%}
    {%- set scope = namespace(is_partial=false, ingested_after=none) -%}
    {%- if not execute or flags.FULL_REFRESH or this is none -%}
        {{- return(scope) -}}
    {%- endif -%}
    {%- set fingerprint = release_scope_fingerprint() -%}
    {%- set existing = adapter.get_relation(
        database=this.database, schema=this.schema, identifier=this.identifier) -%}
    {%- set recorded = release_scope_relation() -%}
    {%- set recorded_exists = adapter.get_relation(
        database=recorded.database, schema=recorded.schema, identifier=recorded.identifier) -%}
    {%- if fingerprint is none or existing is none or recorded_exists is none -%}
        {{- return(scope) -}}
    {%- endif -%}
    {%- set answer = run_query(
        "select project_fingerprint, cast(ingested_through as " ~ dbt.type_string() ~ ") from "
        ~ recorded ~ " where model_name = '" ~ this.identifier ~ "'"
    ) -%}
    {%- if answer.rows | length != 1 or answer.rows[0][0] != fingerprint -%}
        {{- return(scope) -}}
    {%- endif -%}
    {%- set scope.is_partial = true -%}
    {%- set through = answer.rows[0][1] -%}
    {%- set scope.ingested_after = (
        "cast('" ~ through ~ "' as " ~ dbt.type_timestamp() ~ ")" if through is not none
        else "cast('0001-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")"
    ) -%}
    {{- return(scope) -}}
{%- endmacro %}


{#- The CTE `changed_releases` (release_id): every evaluation when the scope is whole;
    otherwise those whose cut-off (none: `latest`) is at or after the earliest submission
    ingested since the model was built. Emits a trailing comma. -#}
{% macro release_scope_changed_releases(scope) -%}
changed_releases as (

    select evaluations.release_id
    from {{ ref('int_evaluations_selected') }} as evaluations
    {%- if scope.is_partial %}
    where
        coalesce(evaluations.cutoff_at, cast('9999-12-31 23:59:59' as {{ dbt.type_timestamp() }})) >= (
            select min(ingested.submitted_at)
            from {{ ref('stg_coupons__extract_rows') }} as ingested
            where ingested.ingested_at > {{ scope.ingested_after }}
        )
    {%- endif %}

),
{%- endmacro %}


{#- A condition: the row's release (column `column`) is one the build recomputes. -#}
{% macro release_scope_filter(scope, column) -%}
    {%- if scope.is_partial -%}
        {{ column }} in (select changed_releases.release_id from changed_releases)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- After `select * from final`: the rows the model holds of the releases it does not
    recompute (none when the scope is whole). -#}
{% macro release_scope_kept_rows(scope) -%}
    {%- if scope.is_partial %}
union all
select kept.*
from {{ this }} as kept
where kept.release_id not in (select changed_releases.release_id from changed_releases)
    {%- endif %}
{%- endmacro %}


{#- on-run-start hook (dbt_project.yml): audit.release_scopes, created once before any
    model (two models creating it at once would conflict). -#}
{% macro create_release_scopes() -%}
    {%- if execute and build_runs_is_recorded() -%}
        {%- set recorded = release_scope_relation() -%}
        create schema if not exists {{ recorded.schema }};
        create table if not exists {{ recorded }} (
            model_name {{ dbt.type_string() }} not null,
            project_fingerprint {{ dbt.type_string() }},
            ingested_through {{ dbt.type_timestamp() }},
            recorded_at {{ dbt.type_timestamp() }} not null
        );
        {{ build_runs_commit() }}
    {%- endif -%}
{%- endmacro %}


{#- Post-hook: records the project fingerprint and the latest ingested_at the model has
    seen, in the model's transaction (a failed model records nothing). -#}
{% macro record_release_scope() -%}
    {%- if execute -%}
        {%- set recorded = release_scope_relation() -%}
        {%- set fingerprint = release_scope_fingerprint() -%}
        delete from {{ recorded }} where model_name = '{{ this.identifier }}';
        insert into {{ recorded }} (model_name, project_fingerprint, ingested_through, recorded_at)
        select
            '{{ this.identifier }}',
            {{ "'" ~ fingerprint ~ "'" if fingerprint is not none else 'null' }},
            max(ingested.ingested_at),
            {{ build_runs_timestamp(run_started_at) }}
        from {{ ref('stg_coupons__extract_rows') }} as ingested
    {%- endif -%}
{%- endmacro %}
