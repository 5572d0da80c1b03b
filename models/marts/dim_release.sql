with

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

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
        evaluations.period_year,
        evaluations.period_end_month,
        evaluations.cutoff_at,
        evaluations.release_date,
        evaluations.period_start_date,
        evaluations.period_end_date,
        evaluations.comparison_release_id,
        synthetic_mark.has_synthetic_data
    from evaluations
    cross join synthetic_mark

)

select * from final
