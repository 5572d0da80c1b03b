with

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

),

final as (

    select
        release_id,
        vintage,
        period_year,
        period_end_month,
        cutoff_at,
        release_date,
        period_start_date,
        period_end_date,
        comparison_release_id
    from evaluations

)

select * from final
