{#-
    Called by the on-run-start hook of dbt_project.yml, before any model of a `dbt run` or
    `dbt build`. Checks the deliveries and makes the landing relations read them.
    DuckDB: the deliveries of var('landing_dir') are checked by kzmig_check_landing (the
    dbt-duckdb plugin kzmig.dbt_plugin: names, one format, UTF-8, RFC 4180 records of the
    14 columns, Parquet columns all strings, and every delivery read before unchanged);
    then every submitted_at of the new deliveries; only then do
    landing.coupon_deliveries (one row per delivery), the view
    landing.coupon_extract_rows (the rows of the deliveries not read before) and
    landing.synthetic_manifest_files (the deliveries a synthetic world's manifest.json in
    the folder lists, with their SHA-256: the synthetic mark) point at them.
    PostgreSQL: the tables `kzmig load` filled (with the same Python checks) are checked for
    submitted_at.
    A malformed delivery raises an error: the hook fails, dbt runs none of the models, and
    nothing of that build reaches the marts. Other commands (seed, test, compile, docs, ...)
    leave the landing alone. Returns no SQL.
-#}
{% macro prepare_landing() %}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- set landing = landing_relation() -%}
        {%- if target.type == 'duckdb' -%}
            {%- set deliveries = check_landing_deliveries(deliveries_read_before()) -%}
            {%- set pending_sql = landing_relation_sql(deliveries.pending) -%}
            {%- do raise_malformed_submission(find_malformed_submission(
                '(\n' ~ pending_sql ~ '\n) as delivered_rows'
            )) -%}
            {%- do create_coupon_deliveries(deliveries.all) -%}
            {%- do create_synthetic_manifest_files(deliveries.synthetic_manifest) -%}
            {%- do create_landing_view(landing, pending_sql) -%}
        {%- else -%}
            {%- do raise_malformed_submission(find_malformed_submission(landing)) -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#-
    DuckDB: every delivery of var('landing_dir'), checked by the plugin's kzmig_check_landing.
    Returns a namespace: `all`, the delivery reports (source_file, file_format,
    file_size_bytes, file_sha256, row_count) in file name order; `pending`, those not read
    before; `synthetic_manifest`, the deliveries listed by the manifest.json of a synthetic
    world in the folder (source_file, file_size_bytes, file_sha256; none without one).
    Raises the plugin's one clear message on a malformed delivery.
    Arguments:
      read_before: the reports of the deliveries an earlier build read (deliveries_read_before).
-#}
{% macro check_landing_deliveries(read_before) %}
    {%- set checked_now = var('landing_checked', none) -%}
    {%- set answer = run_query(
        'select kzmig_check_landing('
        ~ sql_text((var('landing_dir') | string).rstrip('/')) ~ ', '
        ~ (sql_text(read_before | tojson) if read_before is not none else 'null') ~ ', '
        ~ (sql_text(checked_now) if checked_now else 'null') ~ ')'
    ).columns[0].values()[0] -%}
    {%- set answer = fromjson(answer) -%}
    {%- if answer.error -%}
        {{ exceptions.raise_compiler_error(answer.error) }}
    {%- endif -%}
    {%- set read_files = (read_before or []) | map(attribute='source_file') | list -%}
    {%- set deliveries = namespace(
        all=answer.deliveries,
        pending=answer.deliveries | rejectattr('source_file', 'in', read_files) | list,
        synthetic_manifest=answer.synthetic_manifest
    ) -%}
    {{ return(deliveries) }}
{% endmacro %}


{#-
    DuckDB: the reports of the deliveries that earlier builds read (stg_coupons__deliveries),
    so that they are hashed, not read again. None on a full refresh, and when the
    ingested rows or their record are missing (every delivery is then read afresh).
-#}
{% macro deliveries_read_before() %}
    {%- if flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relations = [] -%}
    {%- for model_name in ['stg_coupons__deliveries', 'stg_coupons__extract_rows'] -%}
        {%- set node = graph.nodes['model.kz_migration.' ~ model_name] -%}
        {%- set relation = adapter.get_relation(
            database=node.database, schema=node.schema, identifier=node.alias
        ) -%}
        {%- if relation is none or relation.type != 'table' -%}
            {{ return(none) }}
        {%- endif -%}
        {%- do relations.append(relation) -%}
    {%- endfor -%}
    {%- set read = run_query(
        'select source_file, file_format, file_size_bytes, file_sha256, row_count from '
        ~ relations[0] ~ ' order by source_file'
    ) -%}
    {%- set reports = [] -%}
    {%- for row in read.rows -%}
        {%- do reports.append({
            'source_file': row[0], 'file_format': row[1], 'file_size_bytes': row[2] | int,
            'file_sha256': row[3], 'row_count': row[4] | int,
        }) -%}
    {%- endfor -%}
    {{ return(reports) }}
{% endmacro %}


{#- DuckDB: landing.coupon_deliveries, one row per delivery of the folder (its report). -#}
{% macro create_coupon_deliveries(deliveries) %}
    {%- set relation = api.Relation.create(
        database=landing_relation().database, schema=landing_relation().schema,
        identifier='coupon_deliveries'
    ) -%}
    {%- set rows = [] -%}
    {%- for delivery in deliveries -%}
        {%- do rows.append(
            '(' ~ sql_text(delivery.source_file) ~ ', ' ~ sql_text(delivery.file_format) ~ ', '
            ~ delivery.file_size_bytes ~ ', ' ~ sql_text(delivery.file_sha256) ~ ', '
            ~ delivery.row_count ~ ')'
        ) -%}
    {%- endfor -%}
    {%- call statement('create_coupon_deliveries', auto_begin=False) -%}
        create schema if not exists {{ relation.schema }};
        create or replace table {{ relation }} as
        select
            cast(source_file as varchar) as source_file,
            cast(file_format as varchar) as file_format,
            cast(file_size_bytes as bigint) as file_size_bytes,
            cast(file_sha256 as varchar) as file_sha256,
            cast(row_count as bigint) as row_count,
            cast(current_timestamp as timestamp) as read_at
        from (values {{ rows | join(', ') }}) as deliveries (
            source_file, file_format, file_size_bytes, file_sha256, row_count
        )
    {%- endcall -%}
{% endmacro %}


{#-
    DuckDB: landing.synthetic_manifest_files, one row per delivery listed by the
    manifest.json of a synthetic world in the landing folder (kzmig generate), with the
    size and SHA-256 it lists (null in a manifest of an older generator); no row when the
    folder holds no such manifest. Replaced on every build: it is the folder's manifest now.
-#}
{% macro create_synthetic_manifest_files(entries) %}
    {%- set relation = api.Relation.create(
        database=landing_relation().database, schema=landing_relation().schema,
        identifier='synthetic_manifest_files'
    ) -%}
    {%- set rows = [] -%}
    {%- for entry in entries -%}
        {%- do rows.append(
            'select ' ~ sql_text(entry.source_file) ~ ', '
            ~ (entry.file_size_bytes if entry.file_size_bytes is not none else 'null') ~ ', '
            ~ (sql_text(entry.file_sha256) if entry.file_sha256 is not none else 'null')
        ) -%}
    {%- endfor -%}
    {%- if not rows -%}
        {%- do rows.append('select null, null, null where false') -%}
    {%- endif -%}
    {%- call statement('create_synthetic_manifest_files', auto_begin=False) -%}
        create schema if not exists {{ relation.schema }};
        create or replace table {{ relation }} as
        select
            cast(source_file as varchar) as source_file,
            cast(file_size_bytes as bigint) as file_size_bytes,
            cast(file_sha256 as varchar) as file_sha256
        from ({{ rows | join(' union all ') }}) as listed (source_file, file_size_bytes, file_sha256)
    {%- endcall -%}
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
    {%- set node = graph.sources['source.kz_migration.coupons.coupon_extract_rows'] -%}
    {{ return(api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.identifier
    )) }}
{% endmacro %}
