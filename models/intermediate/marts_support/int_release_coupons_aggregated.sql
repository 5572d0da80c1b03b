-- The coupons of every release (each counted as of its own cut-off) reduced once to a
-- narrow table of counts per release; the release marts read this, never the coupons.
with

release_coupons_counted as (

    select * from {{ ref('int_release_coupons_counted') }}

),

aggregated as (

    select
        release_id,
        coupon_type_code,
        flow_code,
        region_code,
        counterpart_region_code,
        counterpart_country_code,
        is_cis,
        ethnic_group_code,
        count(*) as coupon_count
    from release_coupons_counted
    group by
        release_id,
        coupon_type_code,
        flow_code,
        region_code,
        counterpart_region_code,
        counterpart_country_code,
        is_cis,
        ethnic_group_code

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(coupon_type_code as varchar) as coupon_type_code,
        cast(flow_code as varchar) as flow_code,
        cast(region_code as varchar) as region_code,
        cast(counterpart_region_code as varchar) as counterpart_region_code,
        cast(counterpart_country_code as varchar) as counterpart_country_code,
        cast(is_cis as boolean) as is_cis,
        cast(ethnic_group_code as varchar) as ethnic_group_code,
        cast(coupon_count as bigint) as coupon_count
    from aggregated

)

select * from final
