with

row_outcomes as (

    select * from {{ ref('int_coupon_outcomes_evaluated') }}

),

final as (

    select
        source_file,
        source_row,
        coupon_id,
        outcome,
        reject_reason
    from row_outcomes

)

select * from final
