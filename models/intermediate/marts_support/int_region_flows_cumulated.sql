-- Every region's split flows from January to each month an evaluation reports, for every
-- evaluation: the regions in force on at least one day of the period, zeros where nothing
-- moved. A period is the year-end period when it ends with the last month the evaluation
-- reports in that year.
with

region_flows_monthly as (

    select * from {{ ref('int_region_flows_split_monthly') }}

),

periods as (

    select distinct
        release_id,
        registration_year as period_year,
        registration_month as period_end_month
    from region_flows_monthly

),

cumulated as (

    select
        periods.release_id,
        periods.period_year,
        periods.period_end_month,
        region_flows_monthly.region_code,
        sum(region_flows_monthly.arrivals) as arrivals,
        sum(region_flows_monthly.departures) as departures,
        sum(region_flows_monthly.net_migration) as net_migration,
        sum(region_flows_monthly.external_arrivals) as external_arrivals,
        sum(region_flows_monthly.external_departures) as external_departures,
        sum(region_flows_monthly.external_net) as external_net,
        sum(region_flows_monthly.interregional_arrivals) as interregional_arrivals,
        sum(region_flows_monthly.interregional_departures) as interregional_departures,
        sum(region_flows_monthly.interregional_net) as interregional_net,
        sum(region_flows_monthly.intraregional_moves) as intraregional_moves
    from periods
    inner join region_flows_monthly
        on
            periods.release_id = region_flows_monthly.release_id
            and periods.period_year = region_flows_monthly.registration_year
            and periods.period_end_month >= region_flows_monthly.registration_month
    group by
        periods.release_id,
        periods.period_year,
        periods.period_end_month,
        region_flows_monthly.region_code

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(period_year as integer) as period_year,
        cast(period_end_month as integer) as period_end_month,
        cast(region_code as varchar) as region_code,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(net_migration as bigint) as net_migration,
        cast(external_arrivals as bigint) as external_arrivals,
        cast(external_departures as bigint) as external_departures,
        cast(external_net as bigint) as external_net,
        cast(interregional_arrivals as bigint) as interregional_arrivals,
        cast(interregional_departures as bigint) as interregional_departures,
        cast(interregional_net as bigint) as interregional_net,
        cast(intraregional_moves as bigint) as intraregional_moves,
        cast(
            period_end_month
            = max(period_end_month) over (partition by release_id, period_year)
            as boolean
        ) as is_year_end_period
    from cumulated

)

select * from final
