with

dynamic_years as (

    select * from {{ ref('int_release_dynamic_years_sourced') }}

),

release_region_flows_monthly as (

    select * from {{ ref('int_release_region_flows_split_monthly') }}

),

dynamic_region_months as (

    select
        dynamic_years.release_id,
        release_region_flows_monthly.registration_year,
        release_region_flows_monthly.registration_month,
        release_region_flows_monthly.region_code,
        dynamic_years.source_release_id,
        release_region_flows_monthly.arrivals,
        release_region_flows_monthly.departures,
        release_region_flows_monthly.net_migration,
        release_region_flows_monthly.external_arrivals,
        release_region_flows_monthly.external_departures,
        release_region_flows_monthly.external_net,
        release_region_flows_monthly.interregional_arrivals,
        release_region_flows_monthly.interregional_departures,
        release_region_flows_monthly.interregional_net,
        release_region_flows_monthly.intraregional_moves
    from dynamic_years
    inner join release_region_flows_monthly
        on
            dynamic_years.source_release_id = release_region_flows_monthly.release_id
            and dynamic_years.year = release_region_flows_monthly.registration_year

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(registration_year as integer) as year,
        cast(registration_month as integer) as month,
        cast(region_code as varchar) as region_code,
        cast(source_release_id as varchar) as source_release_id,
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
    from dynamic_region_months

)

select * from final
