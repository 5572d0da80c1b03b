with

release_region_flows as (

    select * from {{ ref('int_release_region_flows_split') }}

),

ranked as (

    select
        release_id,
        region_code,
        region_name_en,
        region_name_ru,
        region_name_kk,
        interregional_arrivals,
        interregional_departures,
        interregional_net,
        rank() over (partition by release_id order by interregional_net desc)
            as interregional_net_rank
    from release_region_flows

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(region_code as varchar) as region_code,
        cast(region_name_en as varchar) as region_name_en,
        cast(region_name_ru as varchar) as region_name_ru,
        cast(region_name_kk as varchar) as region_name_kk,
        cast(interregional_arrivals as bigint) as interregional_arrivals,
        cast(interregional_departures as bigint) as interregional_departures,
        cast(interregional_net as bigint) as interregional_net,
        cast(interregional_net_rank as integer) as interregional_net_rank
    from ranked

)

select * from final
