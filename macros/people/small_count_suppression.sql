{#-
    Small-number protection of the release, written once for the people's marts: over
    `cells` (one row per cell of a group of `partition_columns`, whose total the release
    publishes from the exact counts), the select-list columns `<column>_is_suppressed` for
    each of `columns` and `is_detail_withheld`.
      - Primary: a count of 1 or 2 could identify a person; it is suppressed.
      - Secondary: in a group with a primary cell, the smallest cell of 3 or more (ties
        broken by `order_columns`) is suppressed as well, so that the withheld cells of the
        group sum to an amount that pins none of them (with one primary cell the total would
        give it away by subtraction; with several small ones their sum would).
      - A group with a primary cell and no cell of 3 or more (its counts are all 1, 2 or 0)
        cannot be protected that way: its detail is withheld whole (`is_detail_withheld`,
        every count of the group suppressed; the release lists none of its rows, only its
        total).
    Zero is published. Exact counts stay in the mart.
    Arguments:
      cells: name of the CTE with the cells.
      columns: the count columns to protect (e.g. ['arrivals', 'departures']).
      partition_columns: the columns of a group whose total is published.
      order_columns: columns that break ties between equally small cells.
-#}
{% macro small_count_suppression(cells, columns, partition_columns, order_columns) -%}
    {%- set partition -%}
        partition by {% for partition_column in partition_columns -%}
            {{ cells }}.{{ partition_column }}{{ ', ' if not loop.last }}
        {%- endfor %}
    {%- endset -%}
    {%- set unprotectable -%}
        ({% for column in columns -%}
            (
                max(case when {{ cells }}.{{ column }} between 1 and 2 then 1 else 0 end)
                    over ({{ partition }}) = 1
                and max(case when {{ cells }}.{{ column }} >= 3 then 1 else 0 end)
                    over ({{ partition }}) = 0
            ){{ ' or ' if not loop.last }}
        {%- endfor %})
    {%- endset -%}
    {%- for column in columns %}
    (
        {{ unprotectable }}
        or {{ cells }}.{{ column }} between 1 and 2
        or (
            {{ cells }}.{{ column }} >= 3
            and max(case when {{ cells }}.{{ column }} between 1 and 2 then 1 else 0 end)
                over ({{ partition }}) = 1
            and row_number() over (
                {{ partition }}
                order by
                    case when {{ cells }}.{{ column }} >= 3 then 0 else 1 end,
                    {{ cells }}.{{ column }},
                    {%- for order_column in order_columns %}
                        {{ cells }}.{{ order_column }}{{ ',' if not loop.last }}
                    {%- endfor %}
            ) = 1
        )
    ) as {{ column }}_is_suppressed,
    {%- endfor %}
    {{ unprotectable }} as is_detail_withheld
{%- endmacro %}
