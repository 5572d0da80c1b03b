-- Every outcome and reject reason of the extract spec, with the number of input rows that
-- ended there (zero included), so the account is complete even for reasons that did not occur.
with

coupon_outcomes as (

    select * from {{ ref('coupon_outcomes') }}

),

outcome_categories as (

    {% for outcome, reject_reason in coupon_outcome_categories() -%}
        select
            {{ loop.index }} as outcome_rank,
            '{{ outcome }}' as outcome,
            {{ "'" ~ reject_reason ~ "'" if reject_reason else 'null' }} as reject_reason
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

outcome_rows as (

    select
        outcome,
        reject_reason,
        count(*) as row_count
    from coupon_outcomes
    group by outcome, reject_reason

),

final as (

    select
        outcome_categories.outcome_rank,
        outcome_categories.outcome,
        outcome_categories.reject_reason,
        coalesce(outcome_rows.row_count, 0) as row_count
    from outcome_categories
    left join outcome_rows
        on
            outcome_categories.outcome = outcome_rows.outcome
            and coalesce(outcome_categories.reject_reason, '')
            = coalesce(outcome_rows.reject_reason, '')

)

select * from final
