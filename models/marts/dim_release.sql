with

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

),

latest_period as (

    select * from {{ ref('int_latest_periods_determined') }}

),

deliveries as (

    select * from {{ ref('int_coupon_deliveries_marked') }}

),

-- the warehouse's mark, the same for every evaluation: any synthetic delivery read
synthetic_mark as (

    select coalesce(bool_or(deliveries.is_synthetic), false) as has_synthetic_data
    from deliveries

),

final as (

    select
        evaluations.release_id,
        evaluations.vintage,
        coalesce(evaluations.period_year, latest_period.period_year) as period_year,
        coalesce(evaluations.period_end_month, latest_period.period_end_month)
            as period_end_month,
        coalesce(evaluations.cutoff_at, latest_period.cutoff_at) as cutoff_at,
        coalesce(latest_period.is_cutoff_last_submission, false) as is_cutoff_last_submission,
        evaluations.release_date,
        coalesce(
            evaluations.period_start_date,
            cast(make_date(latest_period.period_year, 1, 1) as date)
        ) as period_start_date,
        coalesce(
            evaluations.period_end_date,
            cast({{ dbt.last_day(
                'make_date(latest_period.period_year, latest_period.period_end_month, 1)',
                'month'
            ) }} as date)
        ) as period_end_date,
        evaluations.comparison_release_id,
        synthetic_mark.has_synthetic_data
    from evaluations
    cross join synthetic_mark
    -- `latest` takes its period (and, without a build cut-off, the last submission) here,
    -- downstream of the counts (doc block latest_period_rule)
    left join latest_period
        on evaluations.release_id = latest_period.release_id

)

select * from final
