{#-
    Called by the on-run-start hook of dbt_project.yml. Before any model of a `dbt run` or
    `dbt build` runs it (1) makes the landing relation landing.coupon_extract_rows read the
    deliveries in var('landing_dir') (DuckDB: a view over the files; PostgreSQL: nothing,
    `kzmig load` fills a table) and (2) checks the delivery. A malformed delivery raises an
    error, so the hook fails and dbt runs none of the models: nothing reaches the marts.
    Other commands (seed, test, compile, docs, ...) leave the landing alone.
    Returns no SQL.
-#}
{% macro prepare_landing() %}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- do create_landing_relation() -%}
        {%- do validate_landing_relation() -%}
    {%- endif -%}
{% endmacro %}


{#- The spec's columns of a coupon extract, in their order. -#}
{% macro coupon_extract_columns() %}
    {{ return([
        'coupon_id', 'coupon_type', 'registration_date', 'person_id_hash', 'sex',
        'birth_date', 'citizenship', 'ethnicity_code', 'kato_code', 'counterpart_country',
        'counterpart_kato_code', 'reason_code', 'submitted_at', 'record_status',
    ]) }}
{% endmacro %}


{#- The landing relation, as declared by the source landing.coupon_extract_rows. -#}
{% macro landing_relation() %}
    {%- set node = graph.sources['source.kz_migration.landing.coupon_extract_rows'] -%}
    {{ return(api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.identifier
    )) }}
{% endmacro %}
