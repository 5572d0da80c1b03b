-- The small-number protection of the people's marts is settled (macro
-- hypercube_cell_suppression, doc block small_number_protection): a necessary condition
-- of the hypercube method, checked line by line: in every line of every
-- table (the cells that differ in one dimension, within one grouping, with their total), a
-- count column has no withheld cell (of more than 0) or at least two, and when the line's
-- total is published its withheld items sum to an amount that leaves each listed one (known
-- to be at least 1; a row of a withheld detail is not listed) free to reach 3. A failing
-- row is a line no hypercube settled. The proof against every relation at once is the linear
-- programming audit, tests/python/test_disclosure_audit.py. One row per failing line.
{%- set marts = [
    ('migration_by_sex_and_age_annual', 'flow_code', [
        {'column': 'region_code', 'total': 'KZ'},
        {'column': 'sex_code', 'total': '_T'},
        {'column': 'age_group_code', 'total': '_T', 'grouping': 'age_grouping_code'},
    ]),
    ('migration_by_reason_annual', 'flow_code', [
        {'column': 'region_code', 'total': 'KZ'},
        {'column': 'reason_code', 'total': '_T'},
    ]),
    ('external_migration_by_citizenship_annual', "'external'", [
        {'column': 'region_code', 'total': 'KZ'},
        {'column': 'citizenship_code', 'total': '_T'},
    ]),
] %}

with

{% for mart, flow, dimensions in marts -%}
{{ mart }} as (

    select * from {{ ref(mart) }}

),

{{ mart }}_values as (
    {%- for measure in ['arrivals', 'departures'] %}

    select
        release_id,
        year,
        {{ flow }} as flow_code,
        {%- for dimension in dimensions %}
        {%- if dimension.grouping %}
        {{ dimension.grouping }},
        {%- endif %}
        {{ dimension.column }},
        {%- endfor %}
        '{{ measure }}' as measure_code,
        {{ measure }} as cell_value,
        {{ measure }}_is_suppressed or is_detail_withheld as is_suppressed,
        is_detail_withheld,
        row_number() over (order by release_id, year, {{ flow }}
            {%- for dimension in dimensions %}, {{ dimension.column }}{% endfor %}) * 2
        + {{ loop.index0 }} as value_id
    from {{ mart }}
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

),

-- the regions of each release, year and flow whose detail is withheld whole: the release
-- lists none of their rows, so a reader cannot tell which of them holds a count that a
-- line across the regions leaves over (nor that any of them has a row at all)
{{ mart }}_withheld_details as (

    select
        release_id,
        year,
        {{ flow }} as flow_code,
        count(distinct region_code) as withheld_detail_regions
    from {{ mart }}
    where is_detail_withheld
    group by
        release_id,
        year{% if flow != "'external'" %},
        {{ flow }}{% endif %}

),

{{ mart }}_lines as (
    {{ suppression_line_memberships(mart ~ '_values', ['release_id', 'year', 'flow_code'], dimensions) }}
),

{{ mart }}_line_states as (

    select
        '{{ mart }}' as mart_name,
        lines.line_key,
        sum(
            case
                when
                    -- a row of a region and flow whose detail is withheld whole is unknown
                    -- even when it is 0 (the release lists none of its rows)
                    line_values.is_suppressed
                    and (line_values.cell_value > 0 or line_values.is_detail_withheld)
                    -- a line within a region and flow whose detail is withheld whole: the
                    -- release lists none of its rows, so none of its cells is pinned by it
                    and not (line_values.is_detail_withheld and lines.line_key not like '0|%')
                    then 1
                else 0
            end
        ) as suppressed_cells,
        sum(
            case
                when
                    line_values.is_suppressed and line_values.cell_value > 0
                    and not (line_values.is_detail_withheld and lines.line_key not like '0|%')
                    then 1
                else 0
            end
        ) as suppressed_counts,
        sum(
            case
                when
                    line_values.is_suppressed and line_values.cell_value > 0
                    and not lines.is_line_total
                    then 1
                else 0
            end
        ) as suppressed_items,
        sum(
            case
                when
                    line_values.is_suppressed and line_values.cell_value > 0
                    and not line_values.is_detail_withheld and not lines.is_line_total
                    then 1
                else 0
            end
        ) as listed_suppressed_items,
        sum(
            case
                when line_values.is_suppressed and not lines.is_line_total
                    then line_values.cell_value
                else 0
            end
        ) as suppressed_item_sum,
        max(case when lines.is_line_total and line_values.is_suppressed then 1 else 0 end)
            as is_total_withheld,
        sum(
            case
                when line_values.is_suppressed and line_values.is_detail_withheld then 1
                else 0
            end
        ) as detail_withheld_cells,
        coalesce(max(withheld_details.withheld_detail_regions), 0) as withheld_detail_regions
    from {{ mart }}_lines as lines
    inner join {{ mart }}_values as line_values
        on lines.value_id = line_values.value_id
    left join {{ mart }}_withheld_details as withheld_details
        on
            line_values.release_id = withheld_details.release_id
            and line_values.year = withheld_details.year
            and line_values.flow_code = withheld_details.flow_code
    group by lines.line_key

),

{% endfor -%}

line_states as (
    {%- for mart, flow, dimensions in marts %}

    select * from {{ mart }}_line_states
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

),

final as (

    select *
    from line_states
    where
        (
            suppressed_cells = 1 and suppressed_counts = 1
            -- a line across the regions whose one withheld cell is of a region withheld
            -- whole, with another region withheld whole: the line's remainder is theirs
            and not (
                line_key like '0|%'
                and detail_withheld_cells = 1
                and withheld_detail_regions >= 2
            )
        )
        or (
            is_total_withheld = 0
            and suppressed_items >= 2
            and listed_suppressed_items >= 1
            and suppressed_item_sum - listed_suppressed_items + 1 < 3
        )

)

select * from final
