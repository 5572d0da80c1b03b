-- The secondary suppression of the people's marts holds: in every group whose total the
-- release publishes (and whose detail it lists), a count column with a withheld cell has
-- at least two withheld cells, one of them 3 or more, so that the total less the published
-- cells pins none of them. One row per failing group and column.
{%- set marts = [
    ('migration_by_sex_and_age_annual', ['release_id', 'year', 'region_code', 'flow_code', 'age_grouping_code']),
    ('migration_by_reason_annual', ['release_id', 'year', 'region_code', 'flow_code']),
    ('external_migration_by_citizenship_annual', ['release_id', 'year', 'region_code']),
] %}

with

{% for mart, group_columns in marts -%}
{{ mart }} as (

    select * from {{ ref(mart) }}

),

{% endfor -%}

groups_checked as (

    {%- for mart, group_columns in marts %}
        {%- set mart_loop = loop %}
        {%- for column in ['arrivals', 'departures'] %}
    select
        '{{ mart }}' as mart_name,
        '{{ column }}' as column_name,
        release_id,
        year,
        region_code,
        sum(case when {{ column }}_is_suppressed then 1 else 0 end) as suppressed_cells,
        sum(case when {{ column }}_is_suppressed and {{ column }} >= 3 then 1 else 0 end)
            as suppressed_cells_of_3_or_more
    from {{ mart }}
    where not is_detail_withheld
    group by {{ group_columns | join(', ') }}
            {%- if not (mart_loop.last and loop.last) %}
    union all
            {%- endif %}
        {%- endfor %}
    {%- endfor %}

),

final as (

    select *
    from groups_checked
    where suppressed_cells > 0 and (suppressed_cells < 2 or suppressed_cells_of_3_or_more = 0)

)

select * from final
