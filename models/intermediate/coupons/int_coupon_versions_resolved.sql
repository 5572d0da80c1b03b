-- Step 4 of the extract spec, as knowledge time: every version (a row with a coupon_id that
-- is not a repeat of an identical row) is the coupon's latest version from its submitted_at
-- until the next, later submitted_at of the same coupon. Versions sharing a submitted_at are
-- in conflict. Only coupons with several versions (a few percent) need the window.
-- Versions are different exactly when they are not identical rows, so the sameness of two
-- rows is decided in one place, int_coupon_rows_deduplicated (dates compared as dates): a
-- row re-sent with its date in the other form is no second version and makes no tie.
with

coupon_rows as (

    select * from {{ ref('int_coupon_rows_deduplicated') }}

),

versions as (

    select *
    from coupon_rows
    where
        not is_identical_row
        and coupon_id is not null

),

revised_coupons as (

    select coupon_id
    from versions
    group by coupon_id
    having count(*) > 1

),

revised_coupon_submissions as (

    select
        versions.coupon_id,
        versions.submitted_at,
        count(*) as versions_submitted
    from versions
    inner join revised_coupons
        on versions.coupon_id = revised_coupons.coupon_id
    group by versions.coupon_id, versions.submitted_at

),

submission_intervals as (

    select
        coupon_id,
        submitted_at,
        versions_submitted > 1 as is_conflicting,
        lead(submitted_at) over (
            partition by coupon_id order by submitted_at
        ) as next_submitted_at
    from revised_coupon_submissions

),

final as (

    select
        versions.source_file,
        versions.source_row,
        versions.coupon_id,
        versions.person_id_hash,
        versions.coupon_type_code,
        versions.record_status_code,
        versions.sex_raw,
        versions.citizenship_raw,
        versions.ethnicity_code_raw,
        versions.reason_code_raw,
        versions.kato_code,
        versions.counterpart_country_code,
        versions.counterpart_kato_code,
        versions.registration_date,
        versions.birth_date,
        versions.submitted_at,
        versions.submitted_at as valid_from_at,
        submission_intervals.next_submitted_at as valid_to_at,
        coalesce(submission_intervals.is_conflicting, false) as is_conflicting
    from versions
    left join submission_intervals
        on
            versions.coupon_id = submission_intervals.coupon_id
            and versions.submitted_at = submission_intervals.submitted_at

)

select * from final
