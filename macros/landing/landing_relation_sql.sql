{#-
    DuckDB: the query that reads deliveries as the landing relation: one row per data row,
    with source_file (file name only), source_row (1 = first data row after the header) and
    the spec's 14 columns as text. The deliveries have passed kzmig_check_landing
    (macros/landing/prepare_landing.sql), so every CSV is UTF-8 and every record holds
    exactly 14 values: DuckDB reads them without strict mode, which is what lets it read
    records ending in \n and \r\n mixed in one file (with strict mode it stops). Empty lines
    are skipped by both, so the row numbers agree with the check's.
    Arguments:
      deliveries: the delivery reports to read (source_file, file_format); with none the
        query has the landing relation's columns and no row.
-#}
{% macro landing_relation_sql(deliveries) %}
    {%- set landing_dir = (var('landing_dir') | string).rstrip('/') -%}
    {%- set file_selects = [] -%}
    {%- for delivery in deliveries -%}
        {%- set file_path = landing_dir ~ '/' ~ delivery.source_file -%}
        {%- if delivery.file_format == 'csv' -%}
            {%- do file_selects.append(csv_file_select(file_path)) -%}
        {%- else -%}
            {%- do file_selects.append(parquet_file_select(file_path)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not file_selects -%}
        {%- do file_selects.append(no_landing_rows_select()) -%}
    {%- endif -%}
    {{ return(file_selects | join('\nunion all\n')) }}
{% endmacro %}


{#- The landing relation's columns with no row: every delivery is ingested already. -#}
{% macro no_landing_rows_select() -%}
    {%- set columns = [] -%}
    {%- for column_name in coupon_extract_columns() -%}
        {%- do columns.append('cast(null as varchar) as ' ~ column_name) -%}
    {%- endfor -%}
    select
        cast(null as varchar) as source_file,
        cast(null as bigint) as source_row,
        {{ columns | join(', ') }}
    where false
{%- endmacro %}


{#- A SQL string literal of `text`. -#}
{% macro sql_text(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}


{#- File name without its folder. -#}
{% macro file_name(file_path) -%}
    {{ (file_path | replace('\\', '/')).split('/') | last }}
{%- endmacro %}


{#- The landing rows of one CSV delivery; the header is skipped, so ordinality 1 = first data row. -#}
{% macro csv_file_select(file_path) -%}
    {%- set columns = [] -%}
    {%- for column_name in coupon_extract_columns() -%}
        {%- do columns.append("'" ~ column_name ~ "': 'varchar'") -%}
    {%- endfor -%}
    select
        {{ sql_text(file_name(file_path)) }} as source_file,
        cast(ordinality as bigint) as source_row,
        {{ coupon_extract_columns() | join(', ') }}
    from read_csv(
        {{ sql_text(file_path) }},
        header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
        strict_mode = false,
        columns = { {{- columns | join(', ') -}} }
    ) with ordinality
{%- endmacro %}


{#- The landing rows of one Parquet delivery; file_row_number counts from 0. -#}
{% macro parquet_file_select(file_path) -%}
    {%- set columns = [] -%}
    {%- for column_name in coupon_extract_columns() -%}
        {%- do columns.append('cast(' ~ column_name ~ ' as varchar) as ' ~ column_name) -%}
    {%- endfor -%}
    select
        {{ sql_text(file_name(file_path)) }} as source_file,
        file_row_number + 1 as source_row,
        {{ columns | join(', ') }}
    from read_parquet({{ sql_text(file_path) }}, file_row_number = true)
{%- endmacro %}


{#- Make `relation` a view of `query` (DuckDB). -#}
{% macro create_landing_view(relation, query) %}
    {#- auto_begin=False: DuckDB auto-commits the view; a hook's open transaction is rolled back. -#}
    {%- call statement('create_landing_view', auto_begin=False) -%}
        create schema if not exists {{ relation.schema }};
        create or replace view {{ relation }} as
        {{ query }}
    {%- endcall -%}
{% endmacro %}
