with

release_coupons_aggregated as (

    select * from {{ ref('int_release_coupons_aggregated') }}

),

origin_destination_flows as (

    select
        release_id,
        counterpart_region_code as origin_region_code,
        region_code as destination_region_code,
        sum(coupon_count) as migrants
    from release_coupons_aggregated
    where flow_code = 'interregional'
    group by
        release_id,
        counterpart_region_code,
        region_code

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(origin_region_code as varchar) as origin_region_code,
        cast(destination_region_code as varchar) as destination_region_code,
        cast(migrants as bigint) as migrants
    from origin_destination_flows

)

select * from final
