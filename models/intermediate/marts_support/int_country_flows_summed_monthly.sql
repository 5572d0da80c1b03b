-- The country's totals month by month for every evaluation, for every month the evaluation
-- reports: arrivals in and departures from the country with their CIS parts, and the
-- people moving within the country. Zeros where nothing moved.
with

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}
    where cell_shape_code = 'coupon'

),

region_months as (

    select * from {{ ref('int_evaluation_region_months_spined') }}

),

months as (

    select distinct
        release_id,
        registration_year,
        registration_month
    from region_months

),

monthly_sums as (

    select
        coupon_counts.release_id,
        coupon_counts.registration_year,
        coupon_counts.registration_month,
        {{ country_flow_sums('coupon_counts') }}
    from coupon_counts
    group by
        coupon_counts.release_id,
        coupon_counts.registration_year,
        coupon_counts.registration_month

),

final as (

    select
        months.release_id,
        months.registration_year,
        months.registration_month,
        cast(coalesce(monthly_sums.arrivals, 0) as bigint) as arrivals,
        cast(coalesce(monthly_sums.departures, 0) as bigint) as departures,
        cast(coalesce(monthly_sums.cis_arrivals, 0) as bigint) as cis_arrivals,
        cast(coalesce(monthly_sums.cis_departures, 0) as bigint) as cis_departures,
        cast(coalesce(monthly_sums.interregional_migrants, 0) as bigint)
            as interregional_migrants,
        cast(coalesce(monthly_sums.intraregional_migrants, 0) as bigint)
            as intraregional_migrants
    from months
    left join monthly_sums
        on
            months.release_id = monthly_sums.release_id
            and months.registration_year = monthly_sums.registration_year
            and months.registration_month = monthly_sums.registration_month

)

select * from final
