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

    select
        'country table' as difference,
        coalesce(annual_by_country.release_id, expected_by_country.release_id) as release_id,
        coalesce(annual_by_country.year, expected_by_country.year) as year,
        coalesce(annual_by_country.country_code, expected_by_country.country_code)
            as dimension_code
    from annual_by_country
    full outer join expected_by_country
        on
            annual_by_country.release_id = expected_by_country.release_id
            and annual_by_country.year = expected_by_country.year
            and annual_by_country.country_code = expected_by_country.country_code
    where
        annual_by_country.release_id is null
        or expected_by_country.release_id is null
        or annual_by_country.arrivals <> expected_by_country.arrivals
        or annual_by_country.departures <> expected_by_country.departures

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

    select
        'region table' as difference,
        coalesce(annual_by_region.release_id, expected_by_region.release_id) as release_id,
        coalesce(annual_by_region.year, expected_by_region.year) as year,
        coalesce(annual_by_region.region_code, expected_by_region.region_code)
            as dimension_code
    from annual_by_region
    full outer join expected_by_region
        on
            annual_by_region.release_id = expected_by_region.release_id
            and annual_by_region.year = expected_by_region.year
            and annual_by_region.region_code = expected_by_region.region_code
    where
        annual_by_region.release_id is null
        or expected_by_region.release_id is null
        or annual_by_region.arrivals <> expected_by_region.arrivals
        or annual_by_region.departures <> expected_by_region.departures
        or annual_by_region.external_net <> expected_by_region.external_net
        or annual_by_region.interregional_net <> expected_by_region.interregional_net
        or annual_by_region.intraregional_moves <> expected_by_region.intraregional_moves

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
