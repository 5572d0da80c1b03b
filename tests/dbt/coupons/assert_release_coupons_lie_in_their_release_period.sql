-- Every coupon of int_release_coupons_counted was registered in its release's period:
-- the release's year, January to the release's last month.
with

release_coupons as (

    select * from {{ ref('int_release_coupons_counted') }}

),

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

outside_period as (

    select
        release_coupons.release_id,
        release_coupons.coupon_id,
        release_coupons.registration_date
    from release_coupons
    inner join release_calendar
        on release_coupons.release_id = release_calendar.release_id
    where
        release_coupons.registration_year != release_calendar.period_year
        or release_coupons.registration_month > release_calendar.period_end_month
        or release_coupons.registration_month < 1

)

select * from outside_period
