-- The coupons of every release (each counted as of its own cut-off) reduced once to counts
-- per month of registration, at the narrow grain the release's dynamic tables by month
-- need (no counterpart country, no ethnic group): they read this, never the coupons.
with

release_coupons_counted as (

    select * from {{ ref('int_release_coupons_counted') }}

),

aggregated as (

    select
        release_id,
        registration_year,
        registration_month,
        coupon_type_code,
        flow_code,
        region_code,
        counterpart_region_code,
        is_cis,
        count(*) as coupon_count
    from release_coupons_counted
    group by
        release_id,
        registration_year,
        registration_month,
        coupon_type_code,
        flow_code,
        region_code,
        counterpart_region_code,
        is_cis

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(registration_year as integer) as registration_year,
        cast(registration_month as integer) as registration_month,
        cast(coupon_type_code as varchar) as coupon_type_code,
        cast(flow_code as varchar) as flow_code,
        cast(region_code as varchar) as region_code,
        cast(counterpart_region_code as varchar) as counterpart_region_code,
        cast(is_cis as boolean) as is_cis,
        cast(coupon_count as bigint) as coupon_count
    from aggregated

)

select * from final
