-- The counted coupons (as of var('cutoff')) reduced once to a narrow table of counts,
-- so that every monthly and cumulative mart reads counts instead of coupons.
with

coupons_counted as (

    select * from {{ ref('int_coupons_counted') }}

),

aggregated as (

    select
        registration_year,
        registration_month,
        coupon_type_code,
        flow_code,
        region_code,
        counterpart_region_code,
        counterpart_country_code,
        is_cis,
        ethnic_group_code,
        count(*) as coupon_count
    from coupons_counted
    group by
        registration_year,
        registration_month,
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
        cast(registration_year as integer) as registration_year,
        cast(registration_month as integer) as registration_month,
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
