with

evaluation_years as (

    select * from {{ ref('int_evaluation_years_sourced') }}

),

region_flows_monthly as (

    select * from {{ ref('int_region_flows_split_monthly') }}

),

-- each year takes the region-months of its source evaluation, as that evaluation counted them
sourced_region_months as (

    select
        evaluation_years.release_id,
        region_flows_monthly.registration_year,
        region_flows_monthly.registration_month,
        region_flows_monthly.region_code,
        evaluation_years.source_release_id,
        region_flows_monthly.arrivals,
        region_flows_monthly.departures,
        region_flows_monthly.net_migration,
        region_flows_monthly.external_arrivals,
        region_flows_monthly.external_departures,
        region_flows_monthly.external_net,
        region_flows_monthly.interregional_arrivals,
        region_flows_monthly.interregional_departures,
        region_flows_monthly.interregional_net,
        region_flows_monthly.intraregional_moves
    from evaluation_years
    inner join region_flows_monthly
        on
            evaluation_years.source_release_id = region_flows_monthly.release_id
            and evaluation_years.year = region_flows_monthly.registration_year

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
    from sourced_region_months

)

select * from final
