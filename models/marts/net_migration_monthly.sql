-- The `latest` evaluation of the split flows by region and month, with the contracted
-- columns of the first version of this table.
with

region_flows_monthly as (

    select * from {{ ref('int_region_flows_split_monthly') }}

),

final as (

    select
        cast(registration_year as integer) as year,
        cast(registration_month as integer) as month,
        cast(region_code as varchar) as region_code,
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
    from region_flows_monthly
    where release_id = 'latest'

)

select * from final
