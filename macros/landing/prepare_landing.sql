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
        {%- set ingested_files = ingested_landing_files() -%}
        {%- set checking_sql = landing_relation_sql(store_rejects=true, ingested_files=ingested_files) -%}
        {%- if checking_sql is none -%}
            {%- do raise_malformed_submission(find_malformed_submission(landing)) -%}
        {%- else -%}
            {%- set malformed = find_malformed_submission(
                '(\n' ~ checking_sql ~ '\n) as delivered_rows'
            ) -%}
            {%- do check_rejected_lines() -%}
            {%- do raise_malformed_submission(malformed) -%}
            {%- do create_landing_view(landing, landing_relation_sql(ingested_files=ingested_files)) -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#-
    DuckDB: the file names whose rows the incremental model stg_coupons__extract_rows holds
    already, so that the landing view reads (and the check parses) only the deliveries not
    yet ingested; a delivery, once landed, never changes (the extract spec). None on a full
    refresh or before the first build. When an ingested file is no longer in the landing
    folder (the folder is another one), the ingested rows are dropped and every delivery is
    read again. PostgreSQL: none (the loader copies new deliveries only; the model skips
    the files it holds).
-#}
{% macro ingested_landing_files() %}
    {%- if target.type != 'duckdb' or flags.FULL_REFRESH -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set node = graph.nodes['model.kz_migration.stg_coupons__extract_rows'] -%}
    {%- set ingested = adapter.get_relation(
        database=node.database, schema=node.schema, identifier=node.alias
    ) -%}
    {%- if ingested is none or ingested.type != 'table' -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set ingested_files = run_query(
        'select distinct source_file from ' ~ ingested ~ ' order by source_file'
    ).columns[0].values() | list -%}
    {%- set landing_dir = (var('landing_dir') | string).rstrip('/') -%}
    {%- set landed_files = [] -%}
    {%- for extension in ['csv', 'parquet'] -%}
        {%- for file_path in landing_files(landing_dir, extension) -%}
            {%- do landed_files.append(file_name(file_path)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if ingested_files | reject('in', landed_files) | list -%}
        {%- call statement('drop_ingested_rows', auto_begin=False) -%}
            drop table {{ ingested }}
        {%- endcall -%}
        {{ return([]) }}
    {%- endif -%}
    {{ return(ingested_files) }}
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
