-- The counted coupons of every evaluation, as counts per month of registration and cell,
-- computed from knowledge time without copying a coupon per release. A coupon enters the
-- count when a version of it that passed the checks becomes known (valid_from_at) and
-- leaves it when the next version arrives (valid_to_at); it is out of the count while it
-- is a duplicate registration. Each evaluation sums the changes known at its cut-off
-- (`latest`: at the build's cut-off, or all of them), over its period (a release: January
-- to period_end_month of period_year; `latest`: every month). Cells whose count is zero
-- are absent.
-- The knowledge-time counting is the macro evaluated_coupon_count_ctes (written once, also
-- for the people's attributes in int_person_counts_evaluated).
{%- set cell_columns = coupon_count_cell_columns() %}

with

versions as (

    select * from {{ ref('int_coupon_rows_checked') }}

),

duplicate_registrations as (

    select * from {{ ref('int_duplicate_registrations_identified') }}

),

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

),

{{ evaluated_coupon_count_ctes(cell_columns) }},

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(registration_year as integer) as registration_year,
        cast(registration_month as integer) as registration_month,
        cast(coupon_type_code as varchar) as coupon_type_code,
        cast(flow_code as varchar) as flow_code,
        cast(region_code as varchar) as region_code,
        cast(counterpart_region_code as varchar) as counterpart_region_code,
        cast(counterpart_country_code as varchar) as counterpart_country_code,
        cast(is_cis as boolean) as is_cis,
        cast(ethnic_group_code as varchar) as ethnic_group_code,
        cast(coupon_count as bigint) as coupon_count
    from evaluation_counts
    where coupon_count != 0

)

select * from final
