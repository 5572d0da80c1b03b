{#-
    The first row (file name order, then row order) of the landing relation whose
    submitted_at is not a real timestamp written YYYY-MM-DDTHH:MM:SS (after trimming), with
    the number of such rows; none when there is none.
    Portable SQL: runs on the DuckDB files and on the PostgreSQL table alike.
    Arguments:
      landing_rows: the landing relation, or a parenthesised, aliased query of the same shape.
-#}
{% macro find_malformed_submission(landing_rows) %}
    {%- if landing_rows is not string -%}
        {%- set existing = adapter.get_relation(
            database=landing_rows.database, schema=landing_rows.schema,
            identifier=landing_rows.identifier
        ) -%}
        {%- if existing is none -%}
            {{ exceptions.raise_compiler_error(
                "no coupon extracts: " ~ landing_rows
                ~ " does not exist (on PostgreSQL, run kzmig load first)"
            ) }}
        {%- endif -%}
    {%- endif -%}

    {%- set malformed_query -%}
        with

        landing_rows as (

            select
                source_file,
                source_row,
                submitted_at,
                {{ trim_to_null('submitted_at') }} as submitted_at_text
            from {{ landing_rows }}

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
        order by {{ binary_text('source_file') }}, source_row
        limit 1
    {%- endset -%}

    {%- set malformed = run_query(malformed_query) -%}
    {{ return(malformed.rows[0] if malformed.rows | length > 0 else none) }}
{% endmacro %}


{#- Stop the build on a row found by find_malformed_submission: the delivery is malformed. -#}
{% macro raise_malformed_submission(malformed) %}
    {%- if malformed is not none -%}
        {{ exceptions.raise_compiler_error(
            "malformed delivery " ~ malformed['source_file'] ~ ", row " ~ malformed['source_row']
            ~ ", column submitted_at: found "
            ~ ("'" ~ malformed['submitted_at'] ~ "'" if malformed['submitted_at'] is not none else 'an empty value')
            ~ (" (" ~ malformed['submitted_at'] | length ~ " characters, some perhaps invisible)"
               if malformed['submitted_at'] is not none and malformed['submitted_at'] | length != 19 else "")
            ~ "; expected a timestamp YYYY-MM-DDTHH:MM:SS that exists ("
            ~ malformed['malformed_row_count'] ~ " such row(s) in the deliveries read)."
        ) }}
    {%- endif -%}
{% endmacro %}
