-- Each cumulative period January–M of migration_key_figures_cumulative is the sum of the
-- months 1..M of the monthly dynamic tables. One row per failing period.
with

key_figures as (

    select * from {{ ref('migration_key_figures_cumulative') }}

),

external_monthly as (

    select * from {{ ref('external_migration_monthly') }}

),

internal_monthly as (

    select * from {{ ref('internal_migration_monthly') }}

),

external_cumulated as (

    select
        key_figures.period_year,
        key_figures.period_end_month,
        sum(external_monthly.arrivals) as arrivals,
        sum(external_monthly.departures) as departures,
        sum(external_monthly.cis_arrivals) as cis_arrivals,
        sum(external_monthly.cis_departures) as cis_departures
    from key_figures
    inner join external_monthly
        on
            key_figures.period_year = external_monthly.year
            and key_figures.period_end_month >= external_monthly.month
    group by key_figures.period_year, key_figures.period_end_month

),

internal_cumulated as (

    select
        key_figures.period_year,
        key_figures.period_end_month,
        sum(internal_monthly.internal_migrants) as internal_migrants
    from key_figures
    inner join internal_monthly
        on
            key_figures.period_year = internal_monthly.year
            and key_figures.period_end_month >= internal_monthly.month
    group by key_figures.period_year, key_figures.period_end_month

),

final as (

    select key_figures.*
    from key_figures
    left join external_cumulated
        on
            key_figures.period_year = external_cumulated.period_year
            and key_figures.period_end_month = external_cumulated.period_end_month
    left join internal_cumulated
        on
            key_figures.period_year = internal_cumulated.period_year
            and key_figures.period_end_month = internal_cumulated.period_end_month
    where
        key_figures.arrivals <> coalesce(external_cumulated.arrivals, 0)
        or key_figures.departures <> coalesce(external_cumulated.departures, 0)
        or key_figures.cis_arrivals <> coalesce(external_cumulated.cis_arrivals, 0)
        or key_figures.cis_departures <> coalesce(external_cumulated.cis_departures, 0)
        or key_figures.internal_migrants <> coalesce(internal_cumulated.internal_migrants, 0)

)

select * from final
