with

release_region_flows as (

    select * from {{ ref('int_release_region_flows_split') }}

),

ranked as (

    select
        release_region_flows.*,
        rank() over (
            partition by release_region_flows.release_id
            order by release_region_flows.external_arrivals desc
        ) as external_arrivals_rank
    from release_region_flows

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(region_code as varchar) as region_code,
        cast(region_name_en as varchar) as region_name_en,
        cast(region_name_ru as varchar) as region_name_ru,
        cast(region_name_kk as varchar) as region_name_kk,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(net_migration as bigint) as net_migration,
        cast(external_arrivals as bigint) as external_arrivals,
        cast(external_departures as bigint) as external_departures,
        cast(external_net as bigint) as external_net,
        cast(interregional_arrivals as bigint) as interregional_arrivals,
        cast(interregional_departures as bigint) as interregional_departures,
        cast(interregional_net as bigint) as interregional_net,
        cast(intraregional_moves as bigint) as intraregional_moves,
        cast(external_arrivals_rank as integer) as external_arrivals_rank
    from ranked

)

select * from final
