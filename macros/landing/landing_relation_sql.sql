{#-
    DuckDB: the query that reads deliveries as the landing relation: one row per data row,
    with source_file (file name only), source_row (1 = first data row after the header) and
    the spec's 14 columns as text. The deliveries have passed kzmig_check_landing
    (macros/landing/prepare_landing.sql), whose accepted form (kzmig/landing.py: UTF-8,
    RFC 4180 records of exactly 14 values ending in \n or \r\n, no lone carriage return
    outside quotes, no NUL, no record over 1 MiB; Parquet columns by name, strings or null)
    is one in which these readers read exactly the records the check counted, with the same
    values; tests/python/test_landing_differential.py holds them to it on generated
    deliveries, running this very query (render it with landing_relation_sql).
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


{#-
    The landing rows of one CSV delivery. The header is read as the first record (not
    skipped as a line: a quoted header name may hold a line break) and left out, so
    ordinality 2 is data row 1. Not strict mode, which stops on records ending in \n and
    \r\n mixed in one file; max_line_size twice the 1 MiB a record may hold (extract spec
    1.2), so that DuckDB's own measure of a line never refuses a record the check let
    through (its default is the same today; written here so that a new default cannot
    change what is read). DuckDB skips empty lines, drops a byte-order mark and reads an
    empty value, quoted or not, as null.
-#}
{% macro csv_file_select(file_path) -%}
    {%- set columns = [] -%}
    {%- for column_name in coupon_extract_columns() -%}
        {%- do columns.append("'" ~ column_name ~ "': 'varchar'") -%}
    {%- endfor -%}
    select
        {{ sql_text(file_name(file_path)) }} as source_file,
        cast(ordinality - 1 as bigint) as source_row,
        {{ coupon_extract_columns() | join(', ') }}
    from read_csv(
        {{ sql_text(file_path) }},
        header = false, auto_detect = false, delim = ',', quote = '"', escape = '"',
        strict_mode = false, max_line_size = 2097152,
        columns = { {{- columns | join(', ') -}} }
    ) with ordinality
    where ordinality > 1
{%- endmacro %}


{#-
    The landing rows of one Parquet delivery; file_row_number counts from 0. Columns are
    selected by name, so their order in the file does not matter (the check has made sure
    that each is there once, named exactly); a column of the null type reads as null.
-#}
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
