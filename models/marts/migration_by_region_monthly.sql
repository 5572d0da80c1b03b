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
        region_flows_monthly.external_net_migration,
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
        release_id,
        registration_year as year,
        registration_month as month,
        region_code,
        source_release_id,
        arrivals,
        departures,
        net_migration,
        external_arrivals,
        external_departures,
        external_net_migration,
        interregional_arrivals,
        interregional_departures,
        interregional_net,
        intraregional_moves
    from sourced_region_months

)

select * from final
