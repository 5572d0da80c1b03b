with

key_figures as (

    select * from {{ ref('migration_key_figures_cumulative') }}

),

releases as (

    select * from {{ ref('dim_release') }}

),

-- a release's key points are the key figures of its own period
release_periods as (

    select
        releases.release_id,
        releases.vintage,
        releases.cutoff_at,
        key_figures.period_year,
        key_figures.period_end_month,
        key_figures.arrivals,
        key_figures.departures,
        key_figures.net_migration,
        key_figures.arrivals_change_pct,
        key_figures.departures_change_pct,
        key_figures.cis_arrivals_share_pct,
        key_figures.cis_departures_share_pct,
        key_figures.internal_migrants,
        key_figures.internal_migrants_change_pct,
        key_figures.regions_with_positive_interregional_net,
        key_figures.comparison_release_id,
        -- the comparison is always the same period of the previous year (`latest` too)
        case
            when key_figures.comparison_release_id is not null
                then key_figures.period_year - 1
        end as comparison_period_year
    from releases
    inner join key_figures
        on
            releases.release_id = key_figures.release_id
            and releases.period_year = key_figures.period_year
            and releases.period_end_month = key_figures.period_end_month

),

final as (

    select
        release_id,
        period_year,
        period_end_month,
        vintage,
        cutoff_at,
        arrivals,
        departures,
        net_migration,
        arrivals_change_pct,
        departures_change_pct,
        cis_arrivals_share_pct,
        cis_departures_share_pct,
        internal_migrants,
        internal_migrants_change_pct,
        regions_with_positive_interregional_net,
        comparison_release_id,
        comparison_period_year
    from release_periods

)

select * from final
