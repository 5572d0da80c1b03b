{#-
    Stop the build when a row of the landing relation has a submitted_at that is not a real
    timestamp written YYYY-MM-DDTHH:MM:SS (after trimming): the delivery is malformed. The
    error names the first such row (file name order, then row order) and how many there are.
    Portable SQL: runs on the DuckDB view and on the PostgreSQL table alike.
-#}
{% macro validate_landing_relation() %}
    {%- set relation = landing_relation() -%}
    {%- set existing = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) -%}
    {%- if existing is none -%}
        {{ exceptions.raise_compiler_error(
            "no coupon extracts: " ~ relation ~ " does not exist (on PostgreSQL, run kzmig load first)"
        ) }}
    {%- endif -%}

    {%- set malformed_query -%}
        with

        landing_rows as (

            select
                source_file,
                source_row,
                submitted_at,
                {{ trim_to_null('submitted_at') }} as submitted_at_text
            from {{ relation }}

        ),

        malformed_rows as (

            select
                source_file,
                source_row,
                submitted_at
            from landing_rows
            where
                submitted_at_text is null
                or not ({{ is_coupon_timestamp('submitted_at_text') }})

        )

        select
            source_file,
            source_row,
            submitted_at,
            count(*) over () as malformed_row_count
        from malformed_rows
        order by source_file, source_row
        limit 1
    {%- endset -%}

    {%- set malformed = run_query(malformed_query) -%}
    {%- if malformed.rows | length > 0 -%}
        {%- set first = malformed.rows[0] -%}
        {{ exceptions.raise_compiler_error(
            "malformed delivery: " ~ first['source_file'] ~ " row " ~ first['source_row']
            ~ ": submitted_at " ~ ("'" ~ first['submitted_at'] ~ "'" if first['submitted_at'] is not none else 'empty')
            ~ " is not a valid timestamp YYYY-MM-DDTHH:MM:SS ("
            ~ first['malformed_row_count'] ~ " malformed row(s) in the landing folder)"
        ) }}
    {%- endif -%}
{% endmacro %}
