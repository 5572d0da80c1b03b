-- Provisional: the contract's columns with the contract's types and no rows yet.
-- The bitemporal version model replaces this in the next commits.
with

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

final as (

    select
        release_calendar.release_id,
        cast(null as varchar) as coupon_id,
        cast(null as varchar) as coupon_type_code,
        cast(null as date) as registration_date,
        cast(null as integer) as registration_year,
        cast(null as integer) as registration_month,
        cast(null as varchar) as region_code,
        cast(null as varchar) as counterpart_region_code,
        cast(null as varchar) as counterpart_country_code,
        cast(null as varchar) as flow_code,
        cast(null as boolean) as is_cis,
        cast(null as varchar) as sex_code,
        cast(null as integer) as age_years,
        cast(null as varchar) as ethnic_group_code,
        cast(null as varchar) as citizenship_code,
        cast(null as varchar) as reason_code
    from release_calendar
    where 1 = 0

)

select * from final
