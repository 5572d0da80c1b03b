-- The country's totals month by month over every release's period (each release at its
-- own cut-off): arrivals in and departures from the country with their CIS parts, and the
-- people moving within the country. Every month of the period, zeros where nothing moved.
with

release_coupons_aggregated_monthly as (

    select * from {{ ref('int_release_coupons_aggregated_monthly') }}

),

release_months as (

    select * from {{ ref('int_release_months_spined') }}

),

monthly_sums as (

    select
        release_coupons_aggregated_monthly.release_id,
        release_coupons_aggregated_monthly.registration_year,
        release_coupons_aggregated_monthly.registration_month,
        {{ country_flow_sums('release_coupons_aggregated_monthly') }}
    from release_coupons_aggregated_monthly
    group by
        release_coupons_aggregated_monthly.release_id,
        release_coupons_aggregated_monthly.registration_year,
        release_coupons_aggregated_monthly.registration_month

),

final as (

    select
        release_months.release_id,
        release_months.registration_year,
        release_months.registration_month,
        cast(coalesce(monthly_sums.arrivals, 0) as bigint) as arrivals,
        cast(coalesce(monthly_sums.departures, 0) as bigint) as departures,
        cast(coalesce(monthly_sums.cis_arrivals, 0) as bigint) as cis_arrivals,
        cast(coalesce(monthly_sums.cis_departures, 0) as bigint) as cis_departures,
        cast(coalesce(monthly_sums.interregional_migrants, 0) as bigint)
            as interregional_migrants,
        cast(coalesce(monthly_sums.intraregional_migrants, 0) as bigint)
            as intraregional_migrants
    from release_months
    left join monthly_sums
        on
            release_months.release_id = monthly_sums.release_id
            and release_months.registration_year = monthly_sums.registration_year
            and release_months.registration_month = monthly_sums.registration_month

)

select * from final
