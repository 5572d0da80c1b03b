{#-
    Small-number protection of the release, written once for the people's marts: the
    select-list column `<column>_is_suppressed` over `cells`.
      - Primary: a count of 1 or 2 could identify a person; it is suppressed.
      - Secondary: each group of `partition_columns` has its total published (from the
        exact counts), so a group with exactly one primary cell would give it away by
        subtraction; the group's smallest other cell of 3 or more (or, when there is none,
        its smallest other cell) is suppressed as well, ties broken by `order_columns`.
    A group with two or more primary cells needs nothing more. Zero is published.
    Arguments:
      cells: name of the CTE with the cells.
      column: the count column to protect.
      partition_columns: the columns of a group whose total is published.
      order_columns: columns that break ties between equally small cells.
-#}
{% macro small_count_suppression(cells, column, partition_columns, order_columns) -%}
    {%- set is_primary -%}
        ({{ cells }}.{{ column }} between 1 and 2)
    {%- endset -%}
    {%- set partition -%}
        partition by {% for partition_column in partition_columns -%}
            {{ cells }}.{{ partition_column }}{{ ', ' if not loop.last }}
        {%- endfor %}
    {%- endset -%}
    (
        {{ is_primary }}
        or (
            sum(case when {{ is_primary }} then 1 else 0 end) over ({{ partition }}) = 1
            and row_number() over (
                {{ partition }}
                order by
                    case when {{ is_primary }} then 1 else 0 end,
                    case when {{ cells }}.{{ column }} >= 3 then 0 else 1 end,
                    {{ cells }}.{{ column }},
                    {%- for order_column in order_columns %}
                        {{ cells }}.{{ order_column }}{{ ',' if not loop.last }}
                    {%- endfor %}
            ) = 1
        )
    ) as {{ column }}_is_suppressed
{%- endmacro %}
