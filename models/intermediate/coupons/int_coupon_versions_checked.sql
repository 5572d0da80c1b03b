-- Steps 4 and 5 of the extract spec for every version, as if it were the coupon's latest:
-- a conflict rejects it (conflicting_versions), a cancellation withdraws it, otherwise the
-- nine checks run in the spec's order and the first failure rejects it. Whether the
-- version is the latest at a given cut-off is left to the interval valid_from_at..valid_to_at.
-- Values that do not stop a coupon (sex, birth date, citizenship, ethnicity, reason) are
-- coded here, unknown values as "not stated".
with

versions as (

    select * from {{ ref('int_coupon_versions_resolved') }}

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
        coalesce(listed_reason_code, '99') as reason_code

    from versions_classified

)

select * from final
