{#-
    Called by the on-run-start hook of dbt_project.yml, before any model of a `dbt run` or
    `dbt build`. Checks the delivery and makes the landing relation
    landing.coupon_extract_rows read it: on DuckDB the files of var('landing_dir') are
    checked (headers, then every submitted_at) and only then does the view point at them;
    on PostgreSQL the table `kzmig load` filled is checked. A malformed delivery raises an
    error: the hook fails, dbt runs none of the models, and nothing of that build reaches
    the marts (on DuckDB the landing view still shows the last good delivery).
    Other commands (seed, test, compile, docs, ...) leave the landing alone.
    Returns no SQL.
-#}
{% macro prepare_landing() %}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- set landing = landing_relation() -%}
        {%- set checking_sql = landing_relation_sql(store_rejects=true) -%}
        {%- if checking_sql is none -%}
            {%- do raise_malformed_submission(find_malformed_submission(landing)) -%}
        {%- else -%}
            {%- set malformed = find_malformed_submission(
                '(\n' ~ checking_sql ~ '\n) as delivered_rows'
            ) -%}
            {%- do check_rejected_lines() -%}
            {%- do raise_malformed_submission(malformed) -%}
            {%- do create_landing_view(landing, landing_relation_sql()) -%}
        {%- endif -%}
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
