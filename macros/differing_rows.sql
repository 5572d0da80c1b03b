{#-
    For singular tests that compare two tables row for row: the rows of `actual` and
    `expected` (CTE names or relations) that differ, matched on their key columns by a
    full outer join. One output row per difference: `label` in the column `label_column`,
    the `shown_keys` under their own names, and the `dimension_keys` joined with '>' as
    dimension_code.
    Arguments:
      label_column, label: the column naming what was compared, and its value.
      actual, expected: the two tables.
      shown_keys: key columns shown as they are (release_id, year ...).
      dimension_keys: key columns shown together as dimension_code (a region, a country,
        an origin and a destination).
      value_columns: the columns that must be equal.
      missing_as_zero: true when a row missing on one side counts as zeros (a sum over no
        coupon); false when a missing row is a difference in itself.
-#}
{% macro differing_rows(label_column, label, actual, expected, shown_keys, dimension_keys,
                        value_columns, missing_as_zero=false) -%}
    {%- set key_columns = shown_keys + dimension_keys -%}
    {%- set dimension_parts = [] -%}
    {%- for key in dimension_keys -%}
        {%- do dimension_parts.append('coalesce(' ~ actual ~ '.' ~ key ~ ', ' ~ expected ~ '.' ~ key ~ ')') -%}
    {%- endfor -%}
    select
        '{{ label }}' as {{ label_column }},
        {%- for key in shown_keys %}
        coalesce({{ actual }}.{{ key }}, {{ expected }}.{{ key }}) as {{ key }},
        {%- endfor %}
        {{ dimension_parts | join(" || '>' || ") }} as dimension_code
    from {{ actual }}
    full outer join {{ expected }}
        on
        {%- for key in key_columns %}
            {{ 'and ' if not loop.first }}{{ actual }}.{{ key }} = {{ expected }}.{{ key }}
        {%- endfor %}
    where
        {%- if missing_as_zero %}
        {%- for column in value_columns %}
        {{ 'or ' if not loop.first }}coalesce({{ actual }}.{{ column }}, 0) <> coalesce({{ expected }}.{{ column }}, 0)
        {%- endfor %}
        {%- else %}
        {{ actual }}.{{ key_columns[0] }} is null
        or {{ expected }}.{{ key_columns[0] }} is null
        {%- for column in value_columns %}
        or {{ actual }}.{{ column }} <> {{ expected }}.{{ column }}
        {%- endfor %}
        {%- endif %}
{%- endmacro %}
