-- The period of `latest` (doc block latest_period_rule): January to the last month with
-- counted coupons that began on or before the evaluation's cut-off date (the build's
-- cut-off, or, when the build read everything landed, the last submission read: the
-- latest submitted_at of the rows read, so that two builds of the same deliveries give
-- the same marts), so a registration typed in a future year counts in `latest` but never
-- stretches its period past what is known. Computed from the counts, downstream of them:
-- the counts do not depend on it.
{%- set build_cutoff_at = coupon_cutoff_at() %}

with

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}
    where cell_shape_code = 'coupon'

),

checked_rows as (

    select * from {{ ref('int_coupon_rows_checked') }}

),

-- the build's cut-off, or else the latest valid submitted_at (valid_from_at) of every row
-- read, whatever its outcome
known_until as (

    select
        coalesce(
            {{ build_cutoff_at if build_cutoff_at is not none else 'cast(null as timestamp)' }},
            max(checked_rows.valid_from_at)
        ) as cutoff_at,
        {{ 'false' if build_cutoff_at is not none else 'true' }} as is_cutoff_last_submission
    from checked_rows

),

latest_months as (

    select distinct
        coupon_counts.registration_year,
        coupon_counts.registration_month
    from coupon_counts
    cross join known_until
    where
        coupon_counts.release_id = 'latest'
        and make_date(coupon_counts.registration_year, coupon_counts.registration_month, 1)
        <= cast(known_until.cutoff_at as date)

),

last_month as (

    select
        registration_year,
        registration_month
    from latest_months
    order by
        registration_year desc,
        registration_month desc
    limit 1

),

final as (

    select
        cast('latest' as varchar) as release_id,
        cast(last_month.registration_year as integer) as period_year,
        cast(last_month.registration_month as integer) as period_end_month,
        cast(known_until.cutoff_at as timestamp) as cutoff_at,
        cast(known_until.is_cutoff_last_submission as boolean) as is_cutoff_last_submission
    from known_until
    left join last_month on true

)

select * from final
