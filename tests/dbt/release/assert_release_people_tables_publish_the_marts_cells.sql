-- The people's release tables by sex and age publish exactly the cells of the people's mart
-- that the disclosure audit reads as published (tests/python/disclosure_audit.py): every
-- cell and margin of the release's own year (the republic KZ, both sexes _T, all ages _T),
-- a withheld count null, and no row of a region and flow whose detail is withheld whole.
-- One row per cell shown differently by one side.
{%- set tables = [
    ('release_migration_by_sex_and_age', 'five_year'),
    ('release_migration_by_sex_and_working_age', 'working_age'),
] %}

with

releases as (

    select * from {{ ref('dim_release') }}

),

people as (

    select * from {{ ref('migration_by_sex_and_age_annual') }}

),

{% for table, grouping in tables -%}
{{ table }} as (

    select * from {{ ref(table) }}

),

{{ table }}_expected as (

    select
        people.release_id,
        people.region_code,
        people.flow_code,
        people.sex_code,
        people.age_group_code,
        case when people.arrivals_is_suppressed then null else people.arrivals end as arrivals,
        case when people.departures_is_suppressed then null else people.departures end
            as departures
    from people
    inner join releases
        on
            people.release_id = releases.release_id
            and people.year = releases.period_year
    where
        people.age_grouping_code in ('{{ grouping }}', '_T')
        and not people.is_detail_withheld

),

{{ table }}_shown as (

    select
        release_id,
        region_code,
        flow_code,
        sex_code,
        age_group_code,
        arrivals,
        departures
    from {{ table }}

),

{{ table }}_differences as (

    select
        '{{ table }}' as table_name,
        'not shown' as difference,
        missing.*
    from (
        select * from {{ table }}_expected
        except
        select * from {{ table }}_shown
    ) as missing
    union all
    select
        '{{ table }}' as table_name,
        'not in the mart' as difference,
        extra.*
    from (
        select * from {{ table }}_shown
        except
        select * from {{ table }}_expected
    ) as extra

),

{% endfor -%}

final as (
    {%- for table, grouping in tables %}

    select * from {{ table }}_differences
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

)

select * from final
