-- A preliminary release is cut off at the last second of the month after its period;
-- the revised annual release at the last second of March of the next year.
with release_calendar as (
    select * from {{ ref('release_calendar') }}
),

expected_cutoffs as (
    select
        release_id,
        cutoff_at,
        case
            when vintage = 'preliminary'
                then {{ dbt.dateadd('month', 'period_end_month + 1', dbt.date_trunc('year', "cast(cast(period_year as varchar) || '-01-01' as date)")) }}
            else {{ dbt.dateadd('month', 15, dbt.date_trunc('year', "cast(cast(period_year as varchar) || '-01-01' as date)")) }}
        end as next_period_start_at
    from release_calendar
),

final as (
    select *
    from expected_cutoffs
    where cutoff_at <> {{ dbt.dateadd('second', -1, 'next_period_start_at') }}
)

select * from final
