-- The percentage structure of external migration by ethnic group adds up to 100 % in
-- every evaluation and period with any arrivals (departures). One row per failing period.
with

ethnic_groups_cumulative as (

    select * from {{ ref('external_migration_by_ethnic_group_cumulative') }}

),

share_sums as (

    select
        release_id,
        period_year,
        period_end_month,
        sum(arrivals) as arrivals,
        sum(departures) as departures,
        sum(arrivals_share_pct) as arrivals_share_pct,
        sum(departures_share_pct) as departures_share_pct
    from ethnic_groups_cumulative
    group by release_id, period_year, period_end_month

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
