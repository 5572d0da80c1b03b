{#-
    Make landing.coupon_extract_rows read the deliveries of var('landing_dir'): one row per
    data row of every file, with source_file (file name only), source_row (1 = first row
    after the header) and the spec's 14 columns as text.
    PostgreSQL (default): nothing to do, the loader (`kzmig load`) fills a table.
    DuckDB: a view over the files, rebuilt at every run.
-#}
{% macro create_landing_relation() %}
    {{ return(adapter.dispatch('create_landing_relation', 'kz_migration')()) }}
{% endmacro %}

{% macro default__create_landing_relation() %}
{% endmacro %}

{% macro duckdb__create_landing_relation() %}
    {%- set landing_dir = (var('landing_dir') | string).rstrip('/') -%}
    {%- set csv_files = landing_files(landing_dir, 'csv') -%}
    {%- set parquet_files = landing_files(landing_dir, 'parquet') -%}
    {%- if csv_files and parquet_files -%}
        {{ exceptions.raise_compiler_error(
            "malformed delivery: " ~ landing_dir ~ " holds both coupons_*.csv and "
            ~ "coupons_*.parquet files; a landing folder holds one format or the other"
        ) }}
    {%- elif not (csv_files or parquet_files) -%}
        {{ exceptions.raise_compiler_error(
            "no coupon extracts: " ~ landing_dir ~ " holds no coupons_*.csv or "
            ~ "coupons_*.parquet file (is var('landing_dir') right?)"
        ) }}
    {%- endif -%}

    {%- set file_selects = [] -%}
    {%- for file_path in csv_files -%}
        {%- do check_csv_header(file_path) -%}
        {%- do file_selects.append(csv_file_select(file_path)) -%}
    {%- endfor -%}
    {%- for file_path in parquet_files -%}
        {%- do check_parquet_columns(file_path) -%}
        {%- do file_selects.append(parquet_file_select(file_path)) -%}
    {%- endfor -%}

    {%- set relation = landing_relation() -%}
    {#- auto_begin=False: DuckDB auto-commits the view; a hook's open transaction is rolled back. -#}
    {%- call statement('create_landing_relation', auto_begin=False) -%}
        create schema if not exists {{ relation.schema }};
        create or replace view {{ relation }} as
        {{ file_selects | join('\nunion all\n') }}
    {%- endcall -%}
{% endmacro %}


{#- Full paths of the landing folder's coupons_*.<extension> files, in file name order. -#}
{% macro landing_files(landing_dir, extension) %}
    {%- set pattern = landing_dir ~ '/coupons_*.' ~ extension -%}
    {%- set found = run_query("select file from glob(" ~ sql_text(pattern) ~ ") order by file") -%}
    {{ return(found.columns[0].values() | list) }}
{% endmacro %}


{#- A SQL string literal of `text`. -#}
{% macro sql_text(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}


{#- File name without its folder. -#}
{% macro file_name(file_path) -%}
    {{ (file_path | replace('\\', '/')).split('/') | last }}
{%- endmacro %}


{#- Stop unless the first line of the CSV file holds exactly the spec's columns. -#}
{% macro check_csv_header(file_path) %}
    {%- set first_line = run_query(
        "select * from read_csv(" ~ sql_text(file_path) ~ ", header = false, all_varchar = true,"
        ~ " delim = ',', quote = '\"', escape = '\"') limit 1"
    ) -%}
    {%- set found = first_line.rows[0].values() | list if first_line.rows | length > 0 else [] -%}
    {%- do check_extract_columns(file_path, found) -%}
{% endmacro %}


{#- Stop unless the Parquet file's columns are exactly the spec's columns. -#}
{% macro check_parquet_columns(file_path) %}
    {%- set described = run_query("describe select * from read_parquet(" ~ sql_text(file_path) ~ ")") -%}
    {%- do check_extract_columns(file_path, described.columns[0].values() | list) -%}
{% endmacro %}


{% macro check_extract_columns(file_path, found) %}
    {%- set expected = coupon_extract_columns() -%}
    {%- if found != expected -%}
        {{ exceptions.raise_compiler_error(
            "malformed delivery: " ~ file_name(file_path) ~ " row 0 (header): expected the columns "
            ~ expected | join(',') ~ " but found "
            ~ (found | map('string') | join(',') if found else 'no header row')
        ) }}
    {%- endif -%}
{% endmacro %}


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
