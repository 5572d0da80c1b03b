{#-
    Small-number protection of linked tables, written once for the people's marts (doc block
    small_number_protection). `cells` holds every cell a release may publish of one
    hypercube: the item cells and their margins (a dimension's total is the code `total`
    of that dimension: the republic, both sexes, all ages, all reasons …). A dimension may
    have several groupings (the age: five-year groups and working-age groups), each a
    partition of the same total. A line is the set of cells that differ in one dimension
    only (within one grouping) together with their total; the release publishes each line's
    relation (total = sum of its items).

    The rule, for each count column (measure) and each block (`block_columns`):
      - fixed cells (`fixed_when`: the totals of each region and flow, published in other
        tables) are never withheld;
      - primary: every other cell of 1 or 2;
      - a region and flow (the detail unit: `block_columns` and the first dimension) in
        which some line with a fixed total holds a primary cell and no other non-zero cell
        to withhold beside it, or whose withheld cells would sum to an amount that confines
        them to 1–2, has its detail withheld whole (every cell but its total withheld,
        `is_detail_withheld`);
      - secondary, in `rounds` rounds: in every line with exactly one withheld cell (of
        more than 0), or whose total is published and whose withheld items sum to an amount
        that leaves a listed one (withheld, but not as part of a withheld detail, so known to
        be at least 1) no room to reach 3 (sum − (listed − 1) < 3), the smallest cell of the
        line not yet withheld (not fixed, not zero, not equal to its region and flow's total;
        ties: the cell's codes) is withheld too. Every line of every dimension and grouping
        is checked in every round, so a cell withheld for one table is protected in every
        table that shares a margin with it.
    Zero is published. Exact counts stay in the mart. The test
    assert_people_protection_lines_are_settled checks that no line is left unsettled after
    the last round; tests/python/test_disclosure_audit.py proves it with linear programming.

    Emits CTEs (no leading `with`, no trailing comma); the last one,
    `<cells>_protected`, is `cells` with, for each measure m, `m_is_suppressed` and
    `m_withheld_reason_code` ('primary': a withheld count of 1 or 2; 'secondary': any other
    withheld count; null: published), and `is_detail_withheld`.
    Arguments:
      cells: name of the CTE with the cells (and their margins).
      block_columns: columns of an independent block (e.g. evaluation, year, flow).
      dimensions: list of dicts {column, total, grouping (optional column)}; the first is
        the region (its total the republic).
      measures: the count columns to protect, e.g. ['arrivals', 'departures'].
      fixed_when: SQL condition on `cells` true for the cells published elsewhere.
      rounds: the number of rounds of secondary suppression.
-#}
{% macro linked_cell_suppression(cells, block_columns, dimensions, measures, fixed_when, rounds) -%}
    {%- set detail_columns = block_columns + [dimensions[0].column] -%}
{{ cells }}_numbered as (

    select
        {{ cells }}.*,
        ({{ fixed_when }}) as is_fixed_margin,
        row_number() over (
            order by
                {%- for column in block_columns %}
                {{ cells }}.{{ column }},
                {%- endfor %}
                {%- for dimension in dimensions %}
                {%- if dimension.grouping %}
                {{ cells }}.{{ dimension.grouping }},
                {%- endif %}
                {{ cells }}.{{ dimension.column }}{{ ',' if not loop.last }}
                {%- endfor %}
        ) as cell_id
    from {{ cells }}

),

{{ cells }}_values as (
    {%- for measure in measures %}

    select
        numbered.cell_id * {{ measures | length }} + {{ loop.index0 }} as value_id,
        numbered.cell_id,
        '{{ measure }}' as measure_code,
        numbered.{{ measure }} as cell_value,
        numbered.is_fixed_margin,
        max(case when numbered.is_fixed_margin then numbered.{{ measure }} end) over (
            partition by {% for column in detail_columns -%}
                numbered.{{ column }}{{ ', ' if not loop.last }}
            {%- endfor %}
        ) as detail_total,
        {%- for column in block_columns %}
        numbered.{{ column }},
        {%- endfor %}
        {%- for dimension in dimensions %}
        {%- if dimension.grouping %}
        numbered.{{ dimension.grouping }},
        {%- endif %}
        numbered.{{ dimension.column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ cells }}_numbered as numbered
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

),

{{ cells }}_lines as (
    {{ suppression_line_memberships(cells ~ '_values', block_columns, dimensions) }}
),

{{ cells }}_line_members as (

    select
        lines.line_key,
        lines.is_line_total,
        line_values.value_id,
        line_values.cell_value,
        line_values.is_fixed_margin,
        line_values.detail_total
    from {{ cells }}_lines as lines
    inner join {{ cells }}_values as line_values
        on lines.value_id = line_values.value_id

),

{{ cells }}_fixed_total_lines as (

    -- the lines whose total is published elsewhere: can their primary cells be protected?
    select
        line_key,
        sum(case when not is_line_total and cell_value between 1 and 2 then 1 else 0 end)
            as primary_cells,
        sum(case when not is_line_total and cell_value between 1 and 2 then cell_value else 0 end)
            as primary_sum,
        sum(case when not is_line_total and cell_value >= 3 then 1 else 0 end) as other_cells
    from {{ cells }}_line_members
    group by line_key
    having max(case when is_line_total and is_fixed_margin then 1 else 0 end) = 1

),

{{ cells }}_withheld_details as (

    select distinct
        {%- for column in detail_columns %}
        unit_values.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ cells }}_fixed_total_lines as fixed_lines
    inner join {{ cells }}_lines as lines
        on fixed_lines.line_key = lines.line_key
    inner join {{ cells }}_values as unit_values
        on lines.value_id = unit_values.value_id
    where
        lines.is_line_total
        and fixed_lines.primary_cells >= 1
        and fixed_lines.other_cells = 0
        and (
            fixed_lines.primary_cells = 1
            or fixed_lines.primary_sum - fixed_lines.primary_cells + 1 < 3
        )

),

{{ cells }}_round_0 as (

    select
        cell_values.value_id,
        cell_values.cell_value,
        (
            cell_values.is_fixed_margin
            or cell_values.cell_value = 0
            or cell_values.cell_value = cell_values.detail_total
        ) as is_never_secondary,
        not cell_values.is_fixed_margin and (
            cell_values.cell_value between 1 and 2
            or withheld_details.{{ detail_columns[0] }} is not null
        ) as is_suppressed,
        not cell_values.is_fixed_margin
        and withheld_details.{{ detail_columns[0] }} is not null as is_detail_withheld
    from {{ cells }}_values as cell_values
    left join {{ cells }}_withheld_details as withheld_details
        on
        {%- for column in detail_columns %}
            cell_values.{{ column }} = withheld_details.{{ column }}{{ ' and' if not loop.last }}
        {%- endfor %}

),
{%- for round in range(1, rounds + 1) %}

{{ cells }}_round_{{ round }}_lines as (

    select
        members.line_key,
        sum(case when state.is_suppressed and state.cell_value > 0 then 1 else 0 end)
            as suppressed_cells,
        sum(
            case
                when state.is_suppressed and state.cell_value > 0 and not members.is_line_total
                    then 1
                else 0
            end
        ) as suppressed_items,
        sum(
            case
                when
                    state.is_suppressed and not state.is_detail_withheld and state.cell_value > 0
                    and not members.is_line_total
                    then 1
                else 0
            end
        ) as listed_suppressed_items,
        sum(
            case when state.is_suppressed and not members.is_line_total then state.cell_value else 0 end
        ) as suppressed_item_sum,
        max(case when members.is_line_total and not state.is_suppressed then 1 else 0 end)
            as is_total_published
    from {{ cells }}_line_members as members
    inner join {{ cells }}_round_{{ round - 1 }} as state
        on members.value_id = state.value_id
    group by members.line_key

),

{{ cells }}_round_{{ round }}_candidates as (

    select
        members.value_id,
        row_number() over (
            partition by members.line_key
            order by state.cell_value, members.value_id
        ) as candidate_rank
    from {{ cells }}_line_members as members
    inner join {{ cells }}_round_{{ round }}_lines as lines
        on members.line_key = lines.line_key
    inner join {{ cells }}_round_{{ round - 1 }} as state
        on members.value_id = state.value_id
    where
        not state.is_suppressed
        and not state.is_never_secondary
        and (
            lines.suppressed_cells = 1
            or (
                lines.is_total_published = 1
                and lines.suppressed_items >= 2
                and lines.listed_suppressed_items >= 1
                and lines.suppressed_item_sum - lines.listed_suppressed_items + 1 < 3
            )
        )

),

{{ cells }}_round_{{ round }} as (

    select
        state.value_id,
        state.cell_value,
        state.is_never_secondary,
        state.is_suppressed or coalesce(picked.is_picked, false) as is_suppressed,
        state.is_detail_withheld
    from {{ cells }}_round_{{ round - 1 }} as state
    left join (
        select distinct
            value_id,
            true as is_picked
        from {{ cells }}_round_{{ round }}_candidates
        where candidate_rank = 1
    ) as picked
        on state.value_id = picked.value_id

),
{%- endfor %}

{{ cells }}_flags as (

    select
        cell_values.cell_id,
        {%- for measure in measures %}
        max(
            case when cell_values.measure_code = '{{ measure }}' and state.is_suppressed then 1 else 0 end
        ) = 1 as {{ measure }}_is_suppressed,
        max(
            case
                when cell_values.measure_code <> '{{ measure }}' or not state.is_suppressed then null
                when state.cell_value between 1 and 2 then 'primary'
                else 'secondary'
            end
        ) as {{ measure }}_withheld_reason_code,
        {%- endfor %}
        max(case when state.is_detail_withheld then 1 else 0 end) = 1 as is_detail_withheld
    from {{ cells }}_values as cell_values
    inner join {{ cells }}_round_{{ rounds }} as state
        on cell_values.value_id = state.value_id
    group by cell_values.cell_id

),

{{ cells }}_protected as (

    select
        numbered.*,
        {%- for measure in measures %}
        flags.{{ measure }}_is_suppressed,
        flags.{{ measure }}_withheld_reason_code,
        {%- endfor %}
        flags.is_detail_withheld
    from {{ cells }}_numbered as numbered
    inner join {{ cells }}_flags as flags
        on numbered.cell_id = flags.cell_id

)
{%- endmacro %}


{#-
    The lines of a hypercube of protected cells (macro linked_cell_suppression): one row per
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
