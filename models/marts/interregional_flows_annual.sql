with

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}

),

origin_destination_flows as (

    select
        release_id,
        registration_year,
        counterpart_region_code as origin_region_code,
        region_code as destination_region_code,
        sum(coupon_count) as migrants
    from coupon_counts
    where flow_code = 'interregional'
    group by
        release_id,
        registration_year,
        counterpart_region_code,
        region_code

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(registration_year as integer) as year,
        cast(origin_region_code as varchar) as origin_region_code,
        cast(destination_region_code as varchar) as destination_region_code,
        cast(migrants as bigint) as migrants
    from origin_destination_flows

)

select * from final
