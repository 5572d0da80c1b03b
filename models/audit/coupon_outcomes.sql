-- The outcome of every input row as of var('cutoff'), in the order of the extract spec:
-- after_cutoff, identical_row, rejected (missing_coupon_id), superseded, rejected
-- (conflicting_versions), withdrawn, rejected (the nine checks), duplicate_registration,
-- counted. Rows that are versions get theirs from the knowledge-time intervals; the other
-- rows (identical repeats, missing coupon_id) never reach the versions.
{%- set cutoff_at = coupon_cutoff_at() %}

with

coupon_rows as (

    select * from {{ ref('int_coupon_rows_deduplicated') }}

),

versions as (

    select * from {{ ref('int_coupon_versions_checked') }}

),

duplicate_registrations as (

    select * from {{ ref('int_duplicate_registrations_identified') }}

),

duplicates_at_cutoff as (

    select coupon_id
    from duplicate_registrations
    where {{ is_known_at('valid_from_at', 'valid_to_at', cutoff_at) }}

),

version_outcomes as (

    select
        versions.source_file,
        versions.source_row,
        versions.coupon_id,
        case
            when {{ is_after_cutoff('versions.valid_from_at', cutoff_at) }} then 'after_cutoff'
            when not {{ is_known_at('versions.valid_from_at', 'versions.valid_to_at', cutoff_at) }}
                then 'superseded'
            when versions.version_outcome != 'passed' then versions.version_outcome
            when duplicates_at_cutoff.coupon_id is not null then 'duplicate_registration'
            else 'counted'
        end as outcome,
        versions.reject_reason
    from versions
    left join duplicates_at_cutoff
        on versions.coupon_id = duplicates_at_cutoff.coupon_id

),

other_row_outcomes as (

    select
        source_file,
        source_row,
        coupon_id,
        case
            when {{ is_after_cutoff('submitted_at', cutoff_at) }} then 'after_cutoff'
            when is_identical_row then 'identical_row'
            else 'rejected'
        end as outcome,
        'missing_coupon_id' as reject_reason
    from coupon_rows
    where
        is_identical_row
        or coupon_id is null

),

row_outcomes as (

    select * from version_outcomes
    union all
    select * from other_row_outcomes

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
