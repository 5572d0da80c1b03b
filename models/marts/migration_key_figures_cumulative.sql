with

country_flows_cumulated as (

    select * from {{ ref('int_country_flows_cumulated') }}

),

region_flows_cumulated as (

    select * from {{ ref('int_region_flows_cumulated') }}

),

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

),

positive_interregional_net as (

    select
        release_id,
        period_year,
        period_end_month,
        sum(case when interregional_net > 0 then 1 else 0 end)
            as regions_with_positive_interregional_net
    from region_flows_cumulated
    group by
        release_id,
        period_year,
        period_end_month

),

-- the same period of the previous year in the comparison evaluation: a preliminary
-- release against the previous year's preliminary one, a revised one against the revised
-- one, `latest` against itself
compared as (

    select
        country_flows_cumulated.release_id,
        country_flows_cumulated.period_year,
        country_flows_cumulated.period_end_month,
        country_flows_cumulated.arrivals,
        country_flows_cumulated.departures,
        country_flows_cumulated.cis_arrivals,
        country_flows_cumulated.cis_departures,
        country_flows_cumulated.internal_migrants,
        previous_year.release_id as comparison_release_id,
        {{ change_pct('country_flows_cumulated.arrivals', 'previous_year.arrivals') }}
            as arrivals_change_pct,
        {{ change_pct('country_flows_cumulated.departures', 'previous_year.departures') }}
            as departures_change_pct,
        {{ change_pct(
            'country_flows_cumulated.internal_migrants', 'previous_year.internal_migrants'
        ) }} as internal_migrants_change_pct
    from country_flows_cumulated
    inner join evaluations
        on country_flows_cumulated.release_id = evaluations.release_id
    left join country_flows_cumulated as previous_year
        on
            evaluations.comparison_release_id = previous_year.release_id
            and country_flows_cumulated.period_year - 1 = previous_year.period_year
            and country_flows_cumulated.period_end_month = previous_year.period_end_month

),

final as (

    select
        cast(compared.release_id as varchar) as release_id,
        cast(compared.period_year as integer) as period_year,
        cast(compared.period_end_month as integer) as period_end_month,
        cast(compared.arrivals as bigint) as arrivals,
        cast(compared.departures as bigint) as departures,
        cast(compared.arrivals - compared.departures as bigint) as net_migration,
        cast(compared.cis_arrivals as bigint) as cis_arrivals,
        cast(compared.cis_departures as bigint) as cis_departures,
        cast({{ share_pct('compared.cis_arrivals', 'compared.arrivals') }} as double precision)
            as cis_arrivals_share_pct,
        cast(
            {{ share_pct('compared.cis_departures', 'compared.departures') }} as double precision
        ) as cis_departures_share_pct,
        cast(compared.arrivals_change_pct as double precision) as arrivals_change_pct,
        cast(compared.departures_change_pct as double precision) as departures_change_pct,
        cast(compared.internal_migrants as bigint) as internal_migrants,
        cast(compared.internal_migrants_change_pct as double precision)
            as internal_migrants_change_pct,
        cast(
            coalesce(positive_interregional_net.regions_with_positive_interregional_net, 0)
            as integer
        ) as regions_with_positive_interregional_net,
        cast(compared.comparison_release_id as varchar) as comparison_release_id
    from compared
    left join positive_interregional_net
        on
            compared.release_id = positive_interregional_net.release_id
            and compared.period_year = positive_interregional_net.period_year
            and compared.period_end_month = positive_interregional_net.period_end_month

)

select * from final
