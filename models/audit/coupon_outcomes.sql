-- The outcome of every input row as of var('cutoff'), in the order of the extract spec:
-- after_cutoff, identical_row, rejected (missing_coupon_id), superseded, rejected
-- (conflicting_versions), withdrawn, rejected (the nine checks), duplicate_registration,
-- counted. Rows with a coupon_id get theirs from the knowledge-time intervals of
-- int_coupon_rows_checked (where identical rows are already marked); rows without one are
-- compared with each other for identical rows here (a missing id counts as one id).
-- A view: one pass over int_coupon_rows_checked, with no copy of its rows.
{%- set cutoff_at = coupon_cutoff_at() %}

with

extract_rows as (

    select * from {{ ref('stg_coupons__extract_rows') }}

),

coupon_rows as (

    select * from {{ ref('int_coupon_rows_checked') }}

),

duplicate_registrations as (

    select * from {{ ref('int_duplicate_registrations_identified') }}

),

duplicates_at_cutoff as (

    select coupon_id
    from duplicate_registrations
    where {{ is_known_at('valid_from_at', 'valid_to_at', cutoff_at) }}

),

coupon_row_outcomes as (

    select
        coupon_rows.source_file,
        coupon_rows.source_row,
        coupon_rows.coupon_id,
        case
            when {{ is_after_cutoff('coupon_rows.valid_from_at', cutoff_at) }} then 'after_cutoff'
            when coupon_rows.is_identical_row then 'identical_row'
            when not {{ is_known_at(
                'coupon_rows.valid_from_at', 'coupon_rows.valid_to_at', cutoff_at
            ) }}
                then 'superseded'
            when coupon_rows.version_outcome != 'passed' then coupon_rows.version_outcome
            when duplicates_at_cutoff.coupon_id is not null then 'duplicate_registration'
            else 'counted'
        end as outcome,
        coupon_rows.reject_reason
    from coupon_rows
    left join duplicates_at_cutoff
        on coupon_rows.coupon_id = duplicates_at_cutoff.coupon_id

),

rows_without_coupon_id as (

    select
        source_file,
        source_row,
        coupon_id,
        submitted_at,
        row_number() over (
            partition by {{ identical_row_columns() }}
            order by {{ binary_text('source_file') }}, source_row
        ) as occurrence_number
    from extract_rows
    where coupon_id is null

),

rows_without_coupon_id_outcomes as (

    select
        source_file,
        source_row,
        coupon_id,
        case
            when {{ is_after_cutoff('submitted_at', cutoff_at) }} then 'after_cutoff'
            when occurrence_number > 1 then 'identical_row'
            else 'rejected'
        end as outcome,
        'missing_coupon_id' as reject_reason
    from rows_without_coupon_id

),

row_outcomes as (

    select * from coupon_row_outcomes
    union all
    select * from rows_without_coupon_id_outcomes

),

final as (

    select
        source_file,
        source_row,
        coupon_id,
        outcome,
        case when outcome = 'rejected' then reject_reason end as reject_reason
    from row_outcomes

)

select * from final
