-- The country's totals from January to each month an evaluation reports (the cumulative
-- periods BNS publishes: January–March, January–June …), for every evaluation. A period
-- is the year-end period when it ends with the last month the evaluation reports in that
-- year (December, or the last month counted or of the release's period).
with

country_flows_monthly as (

    select * from {{ ref('int_country_flows_summed_monthly') }}

),

periods as (

    select
        release_id,
        registration_year as period_year,
        registration_month as period_end_month
    from country_flows_monthly

),

cumulated as (

    select
        periods.release_id,
        periods.period_year,
        periods.period_end_month,
        sum(country_flows_monthly.arrivals) as arrivals,
        sum(country_flows_monthly.departures) as departures,
        sum(country_flows_monthly.cis_arrivals) as cis_arrivals,
        sum(country_flows_monthly.cis_departures) as cis_departures,
        sum(country_flows_monthly.interregional_migrants) as interregional_migrants,
        sum(country_flows_monthly.intraregional_migrants) as intraregional_migrants
    from periods
    inner join country_flows_monthly
        on
            periods.release_id = country_flows_monthly.release_id
            and periods.period_year = country_flows_monthly.registration_year
            and periods.period_end_month >= country_flows_monthly.registration_month
    group by
        periods.release_id,
        periods.period_year,
        periods.period_end_month

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(period_year as integer) as period_year,
        cast(period_end_month as integer) as period_end_month,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast(cis_arrivals as bigint) as cis_arrivals,
        cast(cis_departures as bigint) as cis_departures,
        cast(interregional_migrants as bigint) as interregional_migrants,
        cast(intraregional_migrants as bigint) as intraregional_migrants,
        cast(interregional_migrants + intraregional_migrants as bigint) as internal_migrants,
        cast(
            period_end_month
            = max(period_end_month) over (partition by release_id, period_year)
            as boolean
        ) as is_year_end_period
    from cumulated

)

select * from final
