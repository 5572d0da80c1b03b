-- Every region's split flows from January to each month an evaluation reports, for every
-- evaluation: the regions in force on at least one day of the period, zeros where nothing
-- moved.
{%- set flow_columns = [
    'arrivals', 'departures', 'net_migration', 'external_arrivals', 'external_departures',
    'external_net_migration', 'interregional_arrivals', 'interregional_departures', 'interregional_net',
    'intraregional_moves',
] %}

with

region_flows_monthly as (

    select * from {{ ref('int_region_flows_split_monthly') }}

),

cumulated as (

    {{ cumulated_from_january('region_flows_monthly', ['region_code'], flow_columns) }}

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(period_year as integer) as period_year,
        cast(period_end_month as integer) as period_end_month,
        cast(region_code as varchar) as region_code,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(net_migration as bigint) as net_migration,
        cast(external_arrivals as bigint) as external_arrivals,
        cast(external_departures as bigint) as external_departures,
        cast(external_net_migration as bigint) as external_net_migration,
        cast(interregional_arrivals as bigint) as interregional_arrivals,
        cast(interregional_departures as bigint) as interregional_departures,
        cast(interregional_net as bigint) as interregional_net,
        cast(intraregional_moves as bigint) as intraregional_moves
    from cumulated

)

select * from final
