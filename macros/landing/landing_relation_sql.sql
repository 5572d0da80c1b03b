{#-
    The query that reads the deliveries of var('landing_dir') as the landing relation: one
    row per data row of every file, with source_file (file name only), source_row (1 = first
    row after the header) and the spec's 14 columns as text. Checks every file's header on
    the way (a malformed one stops the build).
    PostgreSQL (default): none, the loader (`kzmig load`) fills a table and checks headers.
    DuckDB: a union of read_csv / read_parquet calls, one per file.
    Arguments:
      store_rejects: DuckDB, CSV: set aside the lines that are not CSV records of 14 fields
        (see check_rejected_lines) instead of failing on the first.
      ingested_files: DuckDB: file names already ingested (see pending_landing_files); their
        files are neither checked nor read, so a delivery is parsed once. With every file
        ingested the query reads nothing and returns no row.
-#}
{% macro landing_relation_sql(store_rejects=false, ingested_files=[]) %}
    {{ return(adapter.dispatch('landing_relation_sql', 'kz_migration')(store_rejects, ingested_files)) }}
{% endmacro %}

{% macro default__landing_relation_sql(store_rejects=false, ingested_files=[]) %}
    {{ return(none) }}
{% endmacro %}

{% macro duckdb__landing_relation_sql(store_rejects=false, ingested_files=[]) %}
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
    {%- for file_path in csv_files if file_name(file_path) not in ingested_files -%}
        {%- do check_csv_header(file_path) -%}
        {%- do file_selects.append(csv_file_select(file_path, store_rejects)) -%}
    {%- endfor -%}
    {%- for file_path in parquet_files if file_name(file_path) not in ingested_files -%}
        {%- do check_parquet_columns(file_path) -%}
        {%- do file_selects.append(parquet_file_select(file_path)) -%}
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


{#-
    Stop unless the first line of the CSV file holds exactly the spec's columns. The line is
    split without sniffing (the file may be malformed): up to 64 fields, missing ones padded
    with nulls, so a header of any width is read as it is.
-#}
{% macro check_csv_header(file_path) %}
    {%- set columns = [] -%}
    {%- for field_number in range(1, 65) -%}
        {%- do columns.append("'field_" ~ field_number ~ "': 'varchar'") -%}
    {%- endfor -%}
    {%- set first_line = run_query(
        "select * from read_csv(" ~ sql_text(file_path) ~ ", header = false, auto_detect = false,"
        ~ " delim = ',', quote = '\"', escape = '\"', null_padding = true, strict_mode = false,"
        ~ " columns = {" ~ columns | join(', ') ~ "}) limit 1"
    ) -%}
    {%- set found = [] -%}
    {%- if first_line.rows | length > 0 -%}
        {%- set fields = first_line.rows[0].values() | list -%}
        {%- set width = namespace(value=0) -%}
        {%- for field in fields -%}
            {%- if field is not none -%}{%- set width.value = loop.index -%}{%- endif -%}
        {%- endfor -%}
        {%- set found = fields[:width.value] -%}
    {%- endif -%}
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
{% macro csv_file_select(file_path, store_rejects=false) -%}
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
        {%- if store_rejects %} store_rejects = true,{% endif %}
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


{#-
    Stop on the first line that a CSV scan with store_rejects set aside (not a CSV record of
    the spec's 14 fields, an unterminated quote, bytes that are not UTF-8): the delivery is
    malformed. DuckDB only; run after a scan of landing_relation_sql(store_rejects=true).
-#}
{% macro check_rejected_lines() %}
    {%- set has_rejects = run_query(
        "select count(*) from duckdb_tables() where table_name = 'reject_errors'"
    ).columns[0].values()[0] -%}
    {%- if has_rejects == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rejected = run_query(
        "select scans.file_path, errors.line, errors.error_message, count(*) over () as line_count"
        ~ " from reject_errors as errors inner join reject_scans as scans"
        ~ " on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id"
        ~ " order by scans.file_path, errors.line limit 1"
    ) -%}
    {%- if rejected.rows | length > 0 -%}
        {%- set first = rejected.rows[0] -%}
        {{ exceptions.raise_compiler_error(
            "malformed delivery: " ~ file_name(first['file_path']) ~ " line " ~ first['line']
            ~ " (row " ~ (first['line'] - 1) ~ "): not a CSV record of the spec's 14 columns: "
            ~ first['error_message'] ~ " (" ~ first['line_count'] ~ " such line(s) in the landing folder)"
        ) }}
    {%- endif -%}
{% endmacro %}
