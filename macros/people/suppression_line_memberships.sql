{#-
    The lines of a hypercube of protected cells (macro hypercube_cell_suppression): one row per
    value (cell and measure) and line it belongs to, with `line_key` (the measure, the block,
    the dimension, the codes of the other dimensions and the grouping) and `is_line_total`
    (the value is the line's total). A cell at a dimension's total belongs to one line of
    that dimension per grouping. A select statement, no trailing semicolon.
    Arguments:
      values: relation with value_id, measure_code, the block columns and the dimensions'
        columns (and groupings).
      block_columns: columns of an independent block.
      dimensions: list of dicts {column, total, grouping (optional column)}.
-#}
{% macro suppression_line_memberships(values, block_columns, dimensions) -%}
    {%- for dimension in dimensions %}
        {%- set this = loop.index0 %}
        {%- set key -%}
            '{{ this }}|' || line_values.measure_code
            {%- for column in block_columns %} || '|' || cast(line_values.{{ column }} as varchar)
            {%- endfor %}
            {%- for other in dimensions if other.column != dimension.column %}
            || '|' || line_values.{{ other.column }}
            {%- endfor %}
        {%- endset %}
    select
        line_values.value_id,
        {{ key }} || '|' || {{ 'line_values.' ~ dimension.grouping if dimension.grouping else "''" }}
            as line_key,
        false as is_line_total
    from {{ values }} as line_values
    where line_values.{{ dimension.column }} <> '{{ dimension.total }}'
    union all
    select
        line_values.value_id,
        {{ key }} || '|' || {{ 'groupings.grouping_code' if dimension.grouping else "''" }}
            as line_key,
        true as is_line_total
    from {{ values }} as line_values
        {%- if dimension.grouping %}
    cross join (
        select distinct {{ dimension.grouping }} as grouping_code
        from {{ values }}
        where {{ dimension.column }} <> '{{ dimension.total }}'
    ) as groupings
        {%- endif %}
    where line_values.{{ dimension.column }} = '{{ dimension.total }}'
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
