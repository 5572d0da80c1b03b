-- The release's dynamic tables by year: every release has the row of its own year (as
-- many months as its period), and every year's rows equal the tables of the release they
-- name as their source — its key points, its country table and its region table, row for
-- row. One row per difference.
with

release_key_points as (

    select * from {{ ref('release_key_points') }}

),

annual as (

    select * from {{ ref('release_external_migration_annual') }}

),

annual_by_country as (

    select * from {{ ref('release_external_migration_by_country_annual') }}

),

annual_by_region as (

    select * from {{ ref('release_net_migration_by_region_annual') }}

),

release_by_country as (

    select * from {{ ref('release_external_migration_by_country') }}

),

release_by_region as (

    select * from {{ ref('release_migration_by_region') }}

),

own_year_differences as (

    select
        'own year missing' as difference,
        release_key_points.release_id,
        release_key_points.period_year as year,
        cast(null as varchar) as dimension_code
    from release_key_points
    left join annual
        on
            release_key_points.release_id = annual.release_id
            and release_key_points.period_year = annual.year
    where
        annual.release_id is null
        or annual.source_release_id <> release_key_points.release_id
        or annual.months_covered <> release_key_points.period_end_month

),

key_point_differences as (

    select
        'key points' as difference,
        annual.release_id,
        annual.year,
        annual.source_release_id as dimension_code
    from annual
    left join release_key_points
        on annual.source_release_id = release_key_points.release_id
    where
        release_key_points.release_id is null
        or release_key_points.period_year <> annual.year
        or annual.arrivals <> release_key_points.arrivals
        or annual.departures <> release_key_points.departures
        or annual.net_migration <> release_key_points.net_migration

),

-- the (release, year) pairs of the annual table with their source release
dynamic_years as (

    select
        release_id,
        year,
        source_release_id
    from annual

),

expected_by_country as (

    select
        dynamic_years.release_id,
        dynamic_years.year,
        release_by_country.country_code,
        release_by_country.arrivals,
        release_by_country.departures
    from dynamic_years
    inner join release_by_country
        on dynamic_years.source_release_id = release_by_country.release_id

),

country_differences as (

    {{ differing_rows(
        'difference', 'country table', 'annual_by_country', 'expected_by_country',
        ['release_id', 'year'], ['country_code'], ['arrivals', 'departures'],
    ) }}

),

expected_by_region as (

    select
        dynamic_years.release_id,
        dynamic_years.year,
        release_by_region.region_code,
        release_by_region.arrivals,
        release_by_region.departures,
        release_by_region.external_net,
        release_by_region.interregional_net,
        release_by_region.intraregional_moves
    from dynamic_years
    inner join release_by_region
        on dynamic_years.source_release_id = release_by_region.release_id

),

region_differences as (

    {{ differing_rows(
        'difference', 'region table', 'annual_by_region', 'expected_by_region',
        ['release_id', 'year'], ['region_code'],
        ['arrivals', 'departures', 'external_net', 'interregional_net', 'intraregional_moves'],
    ) }}

),

final as (

    select * from own_year_differences
    union all
    select * from key_point_differences
    union all
    select * from country_differences
    union all
    select * from region_differences

)

select * from final
