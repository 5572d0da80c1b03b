-- Step 2 of the extract spec (identical_row), decided for every input row regardless of the
-- cut-off: identical rows share their submitted_at, so they are all before or all after it.
-- Identical rows share their coupon_id, so only the ids sent more than once (a few percent;
-- a missing id counts as one id) are compared, column by column, without a hash.
-- Columns compare as normalised in staging (trimmed, codes case-normalised); the two dates,
-- where they are valid dates, compare as the dates they denote, whichever form they were
-- written in (2023-01-05 = 05.01.2023, extract spec 1.1), and otherwise as their trimmed
-- text: a valid date and an invalid or empty one are never the same.
with

extract_rows as (

    select * from {{ ref('stg_coupons__extract_rows') }}

),

repeated_coupon_ids as (

    select coalesce(coupon_id, '') as coupon_key
    from extract_rows
    group by coupon_id
    having count(*) > 1

),

repeated_rows as (

    select extract_rows.*
    from extract_rows
    inner join repeated_coupon_ids
        on coalesce(extract_rows.coupon_id, '') = repeated_coupon_ids.coupon_key

),

repeated_rows_numbered as (

    select
        source_file,
        source_row,
        row_number() over (
            partition by
                coupon_id,
                coupon_type_code,
                registration_date,
                case when registration_date is null then registration_date_raw end,
                person_id_hash,
                sex_raw,
                birth_date,
                case when birth_date is null then birth_date_raw end,
                citizenship_raw,
                ethnicity_code_raw,
                kato_code,
                counterpart_country_code,
                counterpart_kato_code,
                reason_code_raw,
                submitted_at,
                record_status_code
            order by {{ binary_text('source_file') }}, source_row
        ) as occurrence_number
    from repeated_rows

),

identical_rows as (

    select
        source_file,
        source_row
    from repeated_rows_numbered
    where occurrence_number > 1

),

final as (

    select
        extract_rows.source_file,
        extract_rows.source_row,
        extract_rows.coupon_id,
        extract_rows.person_id_hash,
        extract_rows.coupon_type_code,
        extract_rows.record_status_code,
        extract_rows.sex_raw,
        extract_rows.citizenship_raw,
        extract_rows.ethnicity_code_raw,
        extract_rows.reason_code_raw,
        extract_rows.kato_code,
        extract_rows.counterpart_country_code,
        extract_rows.counterpart_kato_code,
        extract_rows.registration_date_raw,
        extract_rows.registration_date,
        extract_rows.birth_date_raw,
        extract_rows.birth_date,
        extract_rows.submitted_at,
        identical_rows.source_row is not null as is_identical_row
    from extract_rows
    left join identical_rows
        on
            extract_rows.source_file = identical_rows.source_file
            and extract_rows.source_row = identical_rows.source_row

)

select * from final
