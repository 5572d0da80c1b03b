{#-
    DuckDB keeps the order rows were inserted in unless told not to; writing a table from
    the union of every delivery's reader is then serialised behind that order. The
    coupon staging model sets it off around its own statement (pre-hook false, post-hook
    true): no model relies on the order rows are stored in, and the row numbers come from
    read_csv's ordinality and Parquet's file_row_number, not from that order. It stays on
    everywhere else, where a query may rely on it (the landing check reads a CSV file's
    first line with `limit 1`). Measured on kzmig bench's ten-year world (27 M rows): the
    staging table written in 85 s with it on, 43 s with it off. The setting is global in
    DuckDB, which is why it is set back at once; PostgreSQL has no such setting: the
    default does nothing.
    Arguments:
      preserve: true to keep insertion order (DuckDB's default), false to let it go.
-#}
{% macro set_insertion_order(preserve) -%}
    {{- return(adapter.dispatch('set_insertion_order', 'kz_migration')(preserve)) -}}
{%- endmacro %}

{% macro default__set_insertion_order(preserve) -%}
{%- endmacro %}

{% macro duckdb__set_insertion_order(preserve) -%}
    set preserve_insertion_order = {{ 'true' if preserve else 'false' }}
{%- endmacro %}
