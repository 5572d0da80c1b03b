-- Steps 2, 4 and 5 of the extract spec for every input row that has a coupon_id, in
-- knowledge time and regardless of the cut-off:
--   * identical_row (step 2): a row identical to an earlier one (file name order, then row
--     order) is no version; it is known for no time (valid_to_at = valid_from_at).
--   * versions (step 4): every other row is its coupon's latest version from its
--     submitted_at until the next, later submitted_at of the same coupon; versions sharing
--     a submitted_at are in conflict (conflicting_versions).
--   * checks (step 5), as if the version were the latest: a cancellation withdraws it,
--     otherwise the nine checks run in the spec's order and the first failure rejects it.
-- Whether a version is the latest at a given cut-off is left to valid_from_at..valid_to_at.
-- Values that do not stop a coupon (sex, birth date, citizenship, ethnicity, reason) are
-- coded here, unknown values as "not stated".
--
-- Incremental by coupon: every rule above depends only on the rows of the same coupon, so
-- a build reads the staged rows of the coupons that the new deliveries carry (the files
-- this table does not hold yet), decides them again with all their rows, old and new, and
-- replaces those coupons' rows (delete+insert on coupon_id). A build whose reference data
-- differ from those the table was checked against checks every row again
-- (macros/coupons/coupon_rows.sql); --full-refresh rebuilds it from every landed row.
-- The enforced contract holds the columns and their types; on_schema_change is
-- append_new_columns (a contract allows it or fail) because PostgreSQL reads the new rows'
-- text columns as text where the table says varchar, which fail takes for a change.
-- Only coupon ids sent more than once (a few percent) are compared for identical rows and
-- given the window of versions. The CTEs that pass whole coupon rows on to several others
-- are `not materialized`: DuckDB would otherwise write every such row set out once more
-- (measured at 27 M rows: 79 s of computing instead of 29 s; DEVELOPERS.md).
-- The two ways of reading the coupons below are alternative CTEs, not a block nested in
-- the query, so sqlfluff does not indent them as one:
-- sqlfluff:indentation:template_blocks_indent:False
{%- set rebuild = is_incremental() and coupon_rows_rebuild_required(this) %}
{%- set scoped = is_incremental() and not rebuild %}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='coupon_id',
    on_schema_change='append_new_columns',
) }}

with

extract_rows as not materialized (

    select * from {{ ref('stg_coupons__extract_rows') }}

),

regions as (

    select * from {{ ref('regions') }}

),

countries as (

    select * from {{ ref('countries') }}

),

ethnic_groups as (

    select * from {{ ref('ethnic_groups') }}

),

reasons as (

    select * from {{ ref('reasons') }}

),

-- the coupons to read: an incremental build's or every one (two alternative sets of CTEs)
{% if scoped -%}

-- on an incremental build: the files this table holds already, and the coupons that the
-- other (new) deliveries carry
checked_files as (

    select distinct checked_rows.source_file
    from {{ this }} as checked_rows

),

delivered_coupon_ids as (

    select distinct extract_rows.coupon_id
    from extract_rows
    where
        extract_rows.coupon_id is not null
        and extract_rows.source_file not in (select checked_files.source_file from checked_files)

),

-- every row, old and new, of those coupons (few: kept once for the readers below)
coupon_rows as materialized (

    select extract_rows.*
    from extract_rows
    inner join delivered_coupon_ids
        on extract_rows.coupon_id = delivered_coupon_ids.coupon_id

),

{% else -%}

-- every row with a coupon_id
coupon_rows as not materialized (

    select *
    from extract_rows
    where coupon_id is not null

),

{% endif -%}

repeated_coupon_ids as (

    select coupon_id
    from coupon_rows
    group by coupon_id
    having count(*) > 1

),

repeated_rows as (

    select coupon_rows.*
    from coupon_rows
    inner join repeated_coupon_ids
        on coupon_rows.coupon_id = repeated_coupon_ids.coupon_id

),

repeated_rows_numbered as (

    select
        source_file,
        source_row,
        row_number() over (
            partition by {{ identical_row_columns() }}
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

rows_flagged as not materialized (

    select
        coupon_rows.*,
        identical_rows.source_row is not null as is_identical_row
    from coupon_rows
    left join identical_rows
        on
            coupon_rows.source_file = identical_rows.source_file
            and coupon_rows.source_row = identical_rows.source_row

),

revised_coupon_submissions as (

    select
        rows_flagged.coupon_id,
        rows_flagged.submitted_at,
        count(*) as versions_submitted
    from rows_flagged
    inner join repeated_coupon_ids
        on rows_flagged.coupon_id = repeated_coupon_ids.coupon_id
    where not rows_flagged.is_identical_row
    group by rows_flagged.coupon_id, rows_flagged.submitted_at

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

-- an identical row is known for no time: its interval is empty
versions as not materialized (

    select
        rows_flagged.*,
        rows_flagged.submitted_at as valid_from_at,
        case
            when rows_flagged.is_identical_row then rows_flagged.submitted_at
            else submission_intervals.next_submitted_at
        end as valid_to_at,
        coalesce(
            submission_intervals.is_conflicting and not rows_flagged.is_identical_row,
            false
        ) as is_conflicting
    from rows_flagged
    left join submission_intervals
        on
            rows_flagged.coupon_id = submission_intervals.coupon_id
            and rows_flagged.submitted_at = submission_intervals.submitted_at

),

versions_coded as (

    select
        *,
        case
            when {{ regexp_full_match('kato_code', '[0-9]{9}') }}
                then substr(kato_code, 1, 2)
        end as kato_region_code,
        case
            when {{ regexp_full_match('counterpart_kato_code', '[0-9]{9}') }}
                then substr(counterpart_kato_code, 1, 2)
        end as counterpart_kato_region_code,
        case
            when sex_raw in ('1', 'M') then 'M'
            when sex_raw in ('2', 'F') then 'F'
            else 'U'
        end as sex_code
    from versions

),

iso_countries as (

    select
        country_code,
        is_cis
    from countries
    where is_iso_country

),

versions_looked_up as (

    select
        versions_coded.*,
        kato_regions.region_code,
        counterpart_regions.region_code as counterpart_region_code,
        counterpart_countries.country_code as counterpart_iso_country_code,
        counterpart_countries.is_cis as counterpart_is_cis,
        citizenship_countries.country_code as citizenship_iso_country_code,
        ethnic_groups.ethnic_group_code as classified_ethnic_group_code,
        reasons.reason_code as listed_reason_code
    from versions_coded
    left join regions as kato_regions
        on
            versions_coded.kato_region_code = kato_regions.region_code
            and (
                kato_regions.valid_from_date is null
                or versions_coded.registration_date >= kato_regions.valid_from_date
            )
            and (
                kato_regions.valid_to_date is null
                or versions_coded.registration_date <= kato_regions.valid_to_date
            )
    left join regions as counterpart_regions
        on
            versions_coded.counterpart_kato_region_code = counterpart_regions.region_code
            and (
                counterpart_regions.valid_from_date is null
                or versions_coded.registration_date >= counterpart_regions.valid_from_date
            )
            and (
                counterpart_regions.valid_to_date is null
                or versions_coded.registration_date <= counterpart_regions.valid_to_date
            )
    left join iso_countries as counterpart_countries
        on versions_coded.counterpart_country_code = counterpart_countries.country_code
    left join iso_countries as citizenship_countries
        on versions_coded.citizenship_raw = citizenship_countries.country_code
    left join ethnic_groups
        on versions_coded.ethnicity_code_raw = ethnic_groups.ethnic_group_code
    left join reasons
        on versions_coded.reason_code_raw = reasons.reason_code

),

versions_checked as (

    select
        *,
        case
            when is_identical_row then null
            when is_conflicting then 'conflicting_versions'
            when record_status_code = 'cancelled' then null
            when record_status_code is null or record_status_code != 'active'
                then 'invalid_record_status'
            when coupon_type_code is null or coupon_type_code not in ('A', 'D')
                then 'invalid_coupon_type'
            when registration_date is null then 'invalid_registration_date'
            when registration_date > cast(submitted_at as date)
                then 'registration_after_submission'
            when region_code is null then 'unknown_region'
            when counterpart_country_code is null then 'missing_counterpart'
            when counterpart_iso_country_code is null then 'unknown_country'
            when coupon_type_code = 'D' and counterpart_country_code = 'KAZ'
                then 'departure_within_country'
            when
                coupon_type_code = 'A'
                and counterpart_country_code = 'KAZ'
                and counterpart_region_code is null
                then 'unknown_counterpart_region'
        end as reject_reason
    from versions_looked_up

),

versions_classified as (

    select
        *,
        case
            when is_identical_row then 'identical_row'
            when reject_reason is not null then 'rejected'
            when record_status_code = 'cancelled' then 'withdrawn'
            else 'passed'
        end as version_outcome,
        case
            when birth_date is null or birth_date > registration_date then null
            else
                extract(year from registration_date)
                - extract(year from birth_date)
                - case
                    when
                        extract(month from registration_date) < extract(month from birth_date)
                        or (
                            extract(month from registration_date) = extract(month from birth_date)
                            and extract(day from registration_date) < extract(day from birth_date)
                        )
                        then 1
                    else 0
                end
        end as age_years
    from versions_checked

),

final as (

    select
        ---------- ids
        source_file,
        source_row,
        coupon_id,
        person_id_hash,

        ---------- knowledge time
        is_identical_row,
        valid_from_at,
        valid_to_at,

        ---------- outcome while latest
        version_outcome,
        reject_reason,

        ---------- registration
        coupon_type_code,
        registration_date,
        cast(extract(year from registration_date) as integer) as registration_year,
        cast(extract(month from registration_date) as integer) as registration_month,
        kato_code,
        region_code,

        ---------- the other end of the move
        case
            when counterpart_country_code = 'KAZ' then counterpart_region_code
        end as counterpart_region_code,
        counterpart_country_code,
        case
            when counterpart_country_code != 'KAZ' then 'external'
            when counterpart_region_code != region_code then 'interregional'
            when counterpart_region_code = region_code then 'intraregional'
        end as flow_code,
        coalesce(counterpart_is_cis, false) as is_cis,

        ---------- the person (unknown kept as not stated)
        sex_code,
        cast(age_years as integer) as age_years,
        coalesce(classified_ethnic_group_code, '999') as ethnic_group_code,
        coalesce(citizenship_iso_country_code, 'XXX') as citizenship_code,
        coalesce(listed_reason_code, '99') as reason_code,

        ---------- lineage
        '{{ reference_data_checksum() }}' as reference_data_checksum,
        {{ build_runs_timestamp(run_started_at) }} as checked_at

    from versions_classified

)

select * from final
