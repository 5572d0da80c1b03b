with

dynamic_years as (

    select * from {{ ref('int_release_dynamic_years_sourced') }}

),

release_key_points as (

    select * from {{ ref('release_key_points') }}

),

release_external_migration_by_country as (

    select * from {{ ref('release_external_migration_by_country') }}

),

annual_populations as (

    select * from {{ ref('int_annual_populations_averaged') }}

),

release_cis_sums as (

    select
        release_id,
        sum(case when is_cis then arrivals else 0 end) as cis_arrivals,
        sum(case when is_cis then departures else 0 end) as cis_departures
    from release_external_migration_by_country
    group by release_id

),

-- each year takes the figures of its source release, as that release published them
dynamic_years_figured as (

    select
        dynamic_years.release_id,
        dynamic_years.year,
        dynamic_years.source_release_id,
        dynamic_years.months_covered,
        release_key_points.arrivals,
        release_key_points.departures,
        coalesce(release_cis_sums.cis_arrivals, 0) as cis_arrivals,
        coalesce(release_cis_sums.cis_departures, 0) as cis_departures
    from dynamic_years
    inner join release_key_points
        on dynamic_years.source_release_id = release_key_points.release_id
    left join release_cis_sums
        on dynamic_years.source_release_id = release_cis_sums.release_id

),

-- the change on the row of the previous year of the same release's table, when both
-- cover the same months (not for the release's own year before December)
compared as (

    select
        dynamic_years_figured.release_id,
        dynamic_years_figured.year,
        dynamic_years_figured.source_release_id,
        dynamic_years_figured.months_covered,
        dynamic_years_figured.arrivals,
        dynamic_years_figured.departures,
        dynamic_years_figured.cis_arrivals,
        dynamic_years_figured.cis_departures,
        {{ change_pct('dynamic_years_figured.arrivals', 'previous_year.arrivals') }}
            as arrivals_change_pct,
        {{ change_pct('dynamic_years_figured.departures', 'previous_year.departures') }}
            as departures_change_pct
    from dynamic_years_figured
    left join dynamic_years_figured as previous_year
        on
            dynamic_years_figured.release_id = previous_year.release_id
            and dynamic_years_figured.year - 1 = previous_year.year
            and dynamic_years_figured.months_covered = previous_year.months_covered

),

with_population as (

    select
        compared.release_id,
        compared.year,
        compared.source_release_id,
        compared.months_covered,
        compared.arrivals,
        compared.departures,
        compared.cis_arrivals,
        compared.cis_departures,
        compared.arrivals_change_pct,
        compared.departures_change_pct,
        annual_populations.average_population as population,
        coalesce(annual_populations.population_basis_code, 'not_available')
            as population_basis_code
    from compared
    left join annual_populations
        on
            compared.year = annual_populations.population_year
            and annual_populations.territory_code = 'KZ'

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(year as integer) as year,
        cast(source_release_id as varchar) as source_release_id,
        cast(months_covered as integer) as months_covered,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast(cis_arrivals as bigint) as cis_arrivals,
        cast(cis_departures as bigint) as cis_departures,
        cast({{ share_pct('cis_arrivals', 'arrivals') }} as double precision)
            as cis_arrivals_share_pct,
        cast({{ share_pct('cis_departures', 'departures') }} as double precision)
            as cis_departures_share_pct,
        cast(arrivals_change_pct as double precision) as arrivals_change_pct,
        cast(departures_change_pct as double precision) as departures_change_pct,
        cast(population as double precision) as population,
        cast(population_basis_code as varchar) as population_basis_code,
        cast({{ per_thousand('arrivals', 'population') }} as double precision)
            as arrivals_per_1000,
        cast({{ per_thousand('departures', 'population') }} as double precision)
            as departures_per_1000,
        cast({{ per_thousand('arrivals - departures', 'population') }} as double precision)
            as net_migration_per_1000
    from with_population

)

select * from final
