with

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(period_year as integer) as period_year,
        cast(period_end_month as integer) as period_end_month,
        cast(vintage as varchar) as vintage,
        cast(cutoff_at as timestamp) as cutoff_at,
        cast(release_date as date) as release_date,
        make_date(period_year, 1, 1) as period_start_date,
        cast({{ dbt.last_day('make_date(period_year, period_end_month, 1)', 'month') }} as date)
            as period_end_date
    from release_calendar

)

select * from final
