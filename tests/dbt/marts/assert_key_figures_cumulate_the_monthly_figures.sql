-- Each cumulative period January–M of migration_key_figures_cumulative is the sum of the
-- months 1..M of the same evaluation's own months in migration_monthly. One row per
-- failing period.
with

key_figures as (

    select * from {{ ref('migration_key_figures_cumulative') }}

),

migration_monthly as (

    select * from {{ ref('migration_monthly') }}

),

own_months as (

    select *
    from migration_monthly
    where source_release_id = release_id

),

cumulated as (

    select
        key_figures.release_id,
        key_figures.period_year,
        key_figures.period_end_month,
        sum(own_months.arrivals) as arrivals,
        sum(own_months.departures) as departures,
        sum(own_months.cis_arrivals) as cis_arrivals,
        sum(own_months.cis_departures) as cis_departures,
        sum(own_months.internal_migrants) as internal_migrants
    from key_figures
    inner join own_months
        on
            key_figures.release_id = own_months.release_id
            and key_figures.period_year = own_months.year
            and key_figures.period_end_month >= own_months.month
    group by key_figures.release_id, key_figures.period_year, key_figures.period_end_month

),

final as (

    select key_figures.*
    from key_figures
    left join cumulated
        on
            key_figures.release_id = cumulated.release_id
            and key_figures.period_year = cumulated.period_year
            and key_figures.period_end_month = cumulated.period_end_month
    where
        key_figures.arrivals <> coalesce(cumulated.arrivals, 0)
        or key_figures.departures <> coalesce(cumulated.departures, 0)
        or key_figures.cis_arrivals <> coalesce(cumulated.cis_arrivals, 0)
        or key_figures.cis_departures <> coalesce(cumulated.cis_departures, 0)
        or key_figures.internal_migrants <> coalesce(cumulated.internal_migrants, 0)

)

select * from final
