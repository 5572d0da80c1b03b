-- Arrivals, departures and net migration of every region by flow, sex and age group, for
-- each evaluation's years: the region flows of the people's counts
-- (int_region_flows_evaluated, cell shape `person`), in two groupings of age that each sum
-- to the region's flow (five-year groups; under, of and above working age). Exact counts,
-- with the flags of the release's small-number protection (macro small_count_suppression).
-- Release-scoped (macro release_scope): a build recomputes the releases that what was
-- ingested since can change, and keeps the rows of the others.
-- depends_on: {{ ref('int_evaluations_selected') }}
-- depends_on: {{ ref('stg_coupons__extract_rows') }}
{%- set scope = release_scope() %}
{{ config(post_hook="{{ record_release_scope() }}") }}
with

{{ release_scope_changed_releases(scope) }}

flow_ends as (

    select * from {{ ref('int_region_flows_evaluated') }}
    where cell_shape_code = 'person' and {{ release_scope_filter(scope, 'release_id') }}

),

age_groups as (

    select * from {{ ref('age_groups') }}

),

person_flows as (

    select
        release_id,
        registration_year as year,
        region_code,
        flow_code,
        sex_code,
        five_year_age_from_years,
        working_age_group_code,
        sum(external_arrivals + interregional_arrivals + intraregional_moves) as arrivals,
        sum(external_departures + interregional_departures + intraregional_moves) as departures
    from flow_ends
    group by
        release_id,
        registration_year,
        region_code,
        flow_code,
        sex_code,
        five_year_age_from_years,
        working_age_group_code

),

five_year_groups as (

    select
        age_grouping_code,
        age_group_code,
        age_from_years
    from age_groups
    where age_grouping_code = 'five_year'

),

five_year_items as (

    select
        person_flows.release_id,
        person_flows.year,
        person_flows.region_code,
        person_flows.flow_code,
        person_flows.sex_code,
        coalesce(five_year_groups.age_group_code, '_U') as age_group_code,
        person_flows.arrivals,
        person_flows.departures
    from person_flows
    left join five_year_groups
        on person_flows.five_year_age_from_years = five_year_groups.age_from_years

),

-- every cell with its margins (the republic KZ, both sexes _T, all ages _T): the cube of
-- each grouping of age; the all-ages cells once, from the five-year groups
five_year_cells as (

    select
        release_id,
        year,
        flow_code,
        case when grouping(region_code) = 1 then 'KZ' else region_code end as region_code,
        case when grouping(sex_code) = 1 then '_T' else sex_code end as sex_code,
        case when grouping(age_group_code) = 1 then '_T' else 'five_year' end
            as age_grouping_code,
        case when grouping(age_group_code) = 1 then '_T' else age_group_code end
            as age_group_code,
        sum(arrivals) as arrivals,
        sum(departures) as departures
    from five_year_items
    group by release_id, year, flow_code, cube(region_code, sex_code, age_group_code)

),

working_age_cells as (

    select
        release_id,
        year,
        flow_code,
        case when grouping(region_code) = 1 then 'KZ' else region_code end as region_code,
        case when grouping(sex_code) = 1 then '_T' else sex_code end as sex_code,
        'working_age' as age_grouping_code,
        working_age_group_code as age_group_code,
        sum(arrivals) as arrivals,
        sum(departures) as departures
    from person_flows
    group by release_id, year, flow_code, working_age_group_code, cube(region_code, sex_code)

),

cells as (

    select * from five_year_cells
    union all
    select * from working_age_cells

),

{{ hypercube_cell_suppression(
    'cells',
    ['release_id', 'year', 'flow_code'],
    [
        {'column': 'region_code', 'total': 'KZ'},
        {'column': 'sex_code', 'total': '_T'},
        {
            'column': 'age_group_code', 'total': '_T', 'grouping': 'age_grouping_code',
            'groupings': ['five_year', 'working_age'],
        },
    ],
    ['arrivals', 'departures'],
    "cells.sex_code = '_T' and cells.age_group_code = '_T'",
    var('people_protection_rounds'),
    var('people_protection_candidates'),
) }},

final as (

    select
        cast(protected.release_id as varchar) as release_id,
        cast(protected.year as integer) as year,
        cast(protected.region_code as varchar) as region_code,
        cast(protected.flow_code as varchar) as flow_code,
        cast(protected.sex_code as varchar) as sex_code,
        cast(protected.age_grouping_code as varchar) as age_grouping_code,
        cast(protected.age_group_code as varchar) as age_group_code,
        cast(age_groups.sort_order as integer) as age_group_sort_order,
        cast(age_groups.age_group_name_en as varchar) as age_group_name_en,
        cast(age_groups.age_group_name_ru as varchar) as age_group_name_ru,
        cast(age_groups.age_group_name_kk as varchar) as age_group_name_kk,
        cast(protected.arrivals as bigint) as arrivals,
        cast(protected.departures as bigint) as departures,
        cast(protected.arrivals - protected.departures as bigint) as net_migration,
        cast(protected.arrivals_is_suppressed as boolean) as arrivals_is_suppressed,
        cast(protected.departures_is_suppressed as boolean) as departures_is_suppressed,
        cast(protected.arrivals_is_suppressed or protected.departures_is_suppressed as boolean)
            as net_migration_is_suppressed,
        cast(protected.arrivals_withheld_reason_code as varchar) as arrivals_withheld_reason_code,
        cast(protected.departures_withheld_reason_code as varchar)
            as departures_withheld_reason_code,
        cast(
            case
                when protected.arrivals_is_suppressed or protected.departures_is_suppressed
                    then 'secondary'
            end as varchar
        ) as net_migration_withheld_reason_code,
        cast(protected.is_detail_withheld as boolean) as is_detail_withheld
    from cells_protected as protected
    inner join age_groups
        on
            protected.age_grouping_code = age_groups.age_grouping_code
            and protected.age_group_code = age_groups.age_group_code

)

select * from final
{{ release_scope_kept_rows(scope) }}
