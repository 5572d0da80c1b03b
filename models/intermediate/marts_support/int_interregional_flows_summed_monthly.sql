-- The origin–destination flows of internal migration between regions, month by month,
-- for every evaluation: the interregional coupons counted, by the region left (the
-- coupon's counterpart region) and the region entered (its region).
with

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}
    where cell_shape_code = 'coupon'

),

origin_destination_flows as (

    select
        release_id,
        registration_year,
        registration_month,
        counterpart_region_code as origin_region_code,
        region_code as destination_region_code,
        sum(coupon_count) as migrants
    from coupon_counts
    where flow_code = 'interregional'
    group by
        release_id,
        registration_year,
        registration_month,
        counterpart_region_code,
        region_code

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(registration_year as integer) as registration_year,
        cast(registration_month as integer) as registration_month,
        cast(origin_region_code as varchar) as origin_region_code,
        cast(destination_region_code as varchar) as destination_region_code,
        cast(migrants as bigint) as migrants
    from origin_destination_flows

)

select * from final
