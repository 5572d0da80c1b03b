with

dynamic_years as (

    select * from {{ ref('int_release_dynamic_years_sourced') }}

),

release_external_migration_by_country as (

    select * from {{ ref('release_external_migration_by_country') }}

),

-- each year takes the country table of its source release, as that release published it
dynamic_years_by_country as (

    select
        dynamic_years.release_id,
        dynamic_years.year,
        release_external_migration_by_country.country_code,
        dynamic_years.source_release_id,
        release_external_migration_by_country.is_cis,
        release_external_migration_by_country.arrivals,
        release_external_migration_by_country.departures
    from dynamic_years
    inner join release_external_migration_by_country
        on dynamic_years.source_release_id = release_external_migration_by_country.release_id

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(year as integer) as year,
        cast(country_code as varchar) as country_code,
        cast(source_release_id as varchar) as source_release_id,
        cast(is_cis as boolean) as is_cis,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration
    from dynamic_years_by_country

)

select * from final
