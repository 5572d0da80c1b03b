-- The country's totals month by month (as of var('cutoff')), for every month of the
-- month spine: arrivals in and departures from the country with their CIS parts, and the
-- people moving within the country. Zeros where nothing moved.
with

coupons_aggregated_monthly as (

    select * from {{ ref('int_coupons_aggregated_monthly') }}

),

region_months as (

    select * from {{ ref('int_region_months_spined') }}

),

months as (

    select distinct
        registration_year,
        registration_month
    from region_months

),

monthly_sums as (

    select
        coupons_aggregated_monthly.registration_year,
        coupons_aggregated_monthly.registration_month,
        {{ country_flow_sums('coupons_aggregated_monthly') }}
    from coupons_aggregated_monthly
    group by
        coupons_aggregated_monthly.registration_year,
        coupons_aggregated_monthly.registration_month

),

final as (

    select
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
            months.registration_year = monthly_sums.registration_year
            and months.registration_month = monthly_sums.registration_month

)

select * from final
