with

region_flows_monthly as (

    select * from {{ ref('int_region_flows_split_monthly') }}

),

annual_sums as (

    select
        registration_year,
        region_code,
        count(*) as months_covered,
        sum(arrivals) as arrivals,
        sum(departures) as departures,
        sum(net_migration) as net_migration,
        sum(external_arrivals) as external_arrivals,
        sum(external_departures) as external_departures,
        sum(external_net) as external_net,
        sum(interregional_arrivals) as interregional_arrivals,
        sum(interregional_departures) as interregional_departures,
        sum(interregional_net) as interregional_net,
        sum(intraregional_moves) as intraregional_moves
    from region_flows_monthly
    group by
        registration_year,
        region_code

),

final as (

    select
        cast(registration_year as integer) as year,
        cast(region_code as varchar) as region_code,
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
    from annual_sums

)

select * from final
