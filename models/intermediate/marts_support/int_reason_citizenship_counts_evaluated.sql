-- The counted coupons of every evaluation as counts by declared reason and citizenship:
-- the same knowledge-time counting as int_coupon_counts_evaluated (macro
-- evaluated_coupon_count_ctes), in a cell of its own rather than a wider main cell.
-- Unknown values are already "not stated" (reason `99`, citizenship `XXX`). Cells whose
-- count is zero are absent.
{%- set cell_columns = [
    'registration_year',
    'registration_month',
    'coupon_type_code',
    'flow_code',
    'region_code',
    'counterpart_region_code',
    'reason_code',
    'citizenship_code',
] %}

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
        cast(reason_code as varchar) as reason_code,
        cast(citizenship_code as varchar) as citizenship_code,
        cast(coupon_count as bigint) as coupon_count
    from evaluation_counts
    where coupon_count != 0

)

select * from final
