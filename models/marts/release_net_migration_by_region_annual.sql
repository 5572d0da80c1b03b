with

dynamic_years as (

    select * from {{ ref('int_release_dynamic_years_sourced') }}

),

release_migration_by_region as (

    select * from {{ ref('release_migration_by_region') }}

),

-- each year takes the region table of its source release, as that release published it
dynamic_years_by_region as (

    select
        dynamic_years.release_id,
        dynamic_years.year,
        release_migration_by_region.region_code,
        dynamic_years.source_release_id,
        dynamic_years.months_covered,
        release_migration_by_region.arrivals,
        release_migration_by_region.departures,
        release_migration_by_region.net_migration,
        release_migration_by_region.external_arrivals,
        release_migration_by_region.external_departures,
        release_migration_by_region.external_net,
        release_migration_by_region.interregional_arrivals,
        release_migration_by_region.interregional_departures,
        release_migration_by_region.interregional_net,
        release_migration_by_region.intraregional_moves
    from dynamic_years
    inner join release_migration_by_region
        on dynamic_years.source_release_id = release_migration_by_region.release_id

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(year as integer) as year,
        cast(region_code as varchar) as region_code,
        cast(source_release_id as varchar) as source_release_id,
        cast(months_covered as integer) as months_covered,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(net_migration as bigint) as net_migration,
        cast(external_arrivals as bigint) as external_arrivals,
        cast(external_departures as bigint) as external_departures,
        cast(external_net as bigint) as external_net,
        cast(interregional_arrivals as bigint) as interregional_arrivals,
        cast(interregional_departures as bigint) as interregional_departures,
        cast(interregional_net as bigint) as interregional_net,
        cast(intraregional_moves as bigint) as intraregional_moves
    from dynamic_years_by_region

)

select * from final
