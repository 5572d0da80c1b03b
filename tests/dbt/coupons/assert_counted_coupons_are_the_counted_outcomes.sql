-- int_coupons_counted (what the marts count) holds exactly the coupons whose row ended as
-- `counted` in audit.coupon_outcomes. Returns the coupons on one side only.
with

counted_coupons as (

    select * from {{ ref('int_coupons_counted') }}

),

coupon_outcomes as (

    select * from {{ ref('coupon_outcomes') }}

),

counted_outcomes as (

    select coupon_id
    from coupon_outcomes
    where outcome = 'counted'

),

mismatches as (

    select
        coalesce(counted_coupons.coupon_id, counted_outcomes.coupon_id) as coupon_id,
        counted_coupons.coupon_id is not null as is_in_counted_coupons,
        counted_outcomes.coupon_id is not null as is_counted_outcome
    from counted_coupons
    full outer join counted_outcomes
        on counted_coupons.coupon_id = counted_outcomes.coupon_id
    where
        counted_coupons.coupon_id is null
        or counted_outcomes.coupon_id is null

)

select * from mismatches
