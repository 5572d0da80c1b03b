-- The percentage structure of external migration by ethnic group adds up to 100 % in
-- every period and release with any arrivals (departures). One row per failing period.
with

cumulative as (

    select * from {{ ref('external_migration_by_ethnic_group_cumulative') }}

),

releases as (

    select * from {{ ref('release_external_migration_by_ethnic_group') }}

),

share_sums as (

    select
        cast(period_year as varchar) || '-' || cast(period_end_month as varchar) as period_code,
        sum(arrivals) as arrivals,
        sum(departures) as departures,
        sum(arrivals_share_pct) as arrivals_share_pct,
        sum(departures_share_pct) as departures_share_pct
    from cumulative
    group by period_year, period_end_month

    union all

    select
        release_id as period_code,
        sum(arrivals) as arrivals,
        sum(departures) as departures,
        sum(arrivals_share_pct) as arrivals_share_pct,
        sum(departures_share_pct) as departures_share_pct
    from releases
    group by release_id

),

final as (

    select *
    from share_sums
    where
        (arrivals > 0 and abs(arrivals_share_pct - 100) > 0.000001)
        or (departures > 0 and abs(departures_share_pct - 100) > 0.000001)
        or (arrivals = 0 and arrivals_share_pct is not null)
        or (departures = 0 and departures_share_pct is not null)

)

select * from final
