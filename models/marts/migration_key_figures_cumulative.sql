with

country_flows_monthly as (

    select * from {{ ref('int_country_flows_summed_monthly') }}

),

periods as (

    select
        registration_year as period_year,
        registration_month as period_end_month
    from country_flows_monthly

),

cumulated as (

    select
        periods.period_year,
        periods.period_end_month,
        sum(country_flows_monthly.arrivals) as arrivals,
        sum(country_flows_monthly.departures) as departures,
        sum(country_flows_monthly.cis_arrivals) as cis_arrivals,
        sum(country_flows_monthly.cis_departures) as cis_departures,
        sum(
            country_flows_monthly.interregional_migrants
            + country_flows_monthly.intraregional_migrants
        ) as internal_migrants
    from periods
    inner join country_flows_monthly
        on
            periods.period_year = country_flows_monthly.registration_year
            and periods.period_end_month >= country_flows_monthly.registration_month
    group by
        periods.period_year,
        periods.period_end_month

),

compared as (

    select
        cumulated.period_year,
        cumulated.period_end_month,
        cumulated.arrivals,
        cumulated.departures,
        cumulated.cis_arrivals,
        cumulated.cis_departures,
        cumulated.internal_migrants,
        {{ change_pct('cumulated.arrivals', 'previous_year.arrivals') }} as arrivals_change_pct,
        {{ change_pct('cumulated.departures', 'previous_year.departures') }}
            as departures_change_pct,
        {{ change_pct('cumulated.internal_migrants', 'previous_year.internal_migrants') }}
            as internal_migrants_change_pct
    from cumulated
    left join cumulated as previous_year
        on
            cumulated.period_year - 1 = previous_year.period_year
            and cumulated.period_end_month = previous_year.period_end_month

),

final as (

    select
        cast(period_year as integer) as period_year,
        cast(period_end_month as integer) as period_end_month,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast(cis_arrivals as bigint) as cis_arrivals,
        cast(cis_departures as bigint) as cis_departures,
        cast({{ share_pct('cis_arrivals', 'arrivals') }} as double precision)
            as cis_arrivals_share_pct,
        cast({{ share_pct('cis_departures', 'departures') }} as double precision)
            as cis_departures_share_pct,
        cast(arrivals_change_pct as double precision) as arrivals_change_pct,
        cast(departures_change_pct as double precision) as departures_change_pct,
        cast(internal_migrants as bigint) as internal_migrants,
        cast(internal_migrants_change_pct as double precision) as internal_migrants_change_pct
    from compared

)

select * from final
