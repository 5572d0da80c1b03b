with

releases as (

    select * from {{ ref('int_releases_selected') }}

),

release_coupons_aggregated as (

    select * from {{ ref('int_release_coupons_aggregated') }}

),

release_region_flows as (

    select * from {{ ref('int_release_region_flows_split') }}

),

release_sums as (

    select
        release_coupons_aggregated.release_id,
        {{ country_flow_sums('release_coupons_aggregated') }}
    from release_coupons_aggregated
    group by release_coupons_aggregated.release_id

),

positive_interregional_net as (

    select
        release_id,
        sum(case when interregional_net > 0 then 1 else 0 end)
            as regions_with_positive_interregional_net
    from release_region_flows
    group by release_id

),

release_figures as (

    select
        releases.release_id,
        releases.period_year,
        releases.period_end_month,
        releases.vintage,
        releases.cutoff_at,
        coalesce(release_sums.arrivals, 0) as arrivals,
        coalesce(release_sums.departures, 0) as departures,
        coalesce(release_sums.cis_arrivals, 0) as cis_arrivals,
        coalesce(release_sums.cis_departures, 0) as cis_departures,
        coalesce(release_sums.interregional_migrants, 0)
        + coalesce(release_sums.intraregional_migrants, 0) as internal_migrants,
        coalesce(positive_interregional_net.regions_with_positive_interregional_net, 0)
            as regions_with_positive_interregional_net
    from releases
    left join release_sums
        on releases.release_id = release_sums.release_id
    left join positive_interregional_net
        on releases.release_id = positive_interregional_net.release_id

),

-- the same period of the previous year at the same vintage: a preliminary release
-- against the previous year's preliminary one, a revised one against the revised one
compared as (

    select
        release_figures.release_id,
        release_figures.period_year,
        release_figures.period_end_month,
        release_figures.vintage,
        release_figures.cutoff_at,
        release_figures.arrivals,
        release_figures.departures,
        release_figures.cis_arrivals,
        release_figures.cis_departures,
        release_figures.internal_migrants,
        release_figures.regions_with_positive_interregional_net,
        comparison_release.release_id as comparison_release_id,
        {{ change_pct('release_figures.arrivals', 'comparison_release.arrivals') }}
            as arrivals_change_pct,
        {{ change_pct('release_figures.departures', 'comparison_release.departures') }}
            as departures_change_pct,
        {{ change_pct(
            'release_figures.internal_migrants', 'comparison_release.internal_migrants'
        ) }} as internal_migrants_change_pct
    from release_figures
    left join release_figures as comparison_release
        on
            release_figures.period_year - 1 = comparison_release.period_year
            and release_figures.period_end_month = comparison_release.period_end_month
            and release_figures.vintage = comparison_release.vintage

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(period_year as integer) as period_year,
        cast(period_end_month as integer) as period_end_month,
        cast(vintage as varchar) as vintage,
        cast(cutoff_at as timestamp) as cutoff_at,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast(arrivals_change_pct as double precision) as arrivals_change_pct,
        cast(departures_change_pct as double precision) as departures_change_pct,
        cast({{ share_pct('cis_arrivals', 'arrivals') }} as double precision)
            as cis_arrivals_share_pct,
        cast({{ share_pct('cis_departures', 'departures') }} as double precision)
            as cis_departures_share_pct,
        cast(internal_migrants as bigint) as internal_migrants,
        cast(internal_migrants_change_pct as double precision) as internal_migrants_change_pct,
        cast(regions_with_positive_interregional_net as integer)
            as regions_with_positive_interregional_net,
        cast(comparison_release_id as varchar) as comparison_release_id
    from compared

)

select * from final
