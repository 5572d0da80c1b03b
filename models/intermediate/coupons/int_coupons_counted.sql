-- The coupons counted as of var('cutoff'): the version known at the cut-off (the latest
-- submitted at or before it) when it passed the checks, unless it is a duplicate
-- registration at that moment. A filter on the knowledge-time intervals.
{%- set cutoff_at = coupon_cutoff_at() %}

with

versions as (

    select * from {{ ref('int_coupon_versions_checked') }}

),

duplicate_registrations as (

    select * from {{ ref('int_duplicate_registrations_identified') }}

),

passed_versions_at_cutoff as (

    select *
    from versions
    where
        version_outcome = 'passed'
        and {{ is_known_at('valid_from_at', 'valid_to_at', cutoff_at) }}

),

duplicates_at_cutoff as (

    select coupon_id
    from duplicate_registrations
    where {{ is_known_at('valid_from_at', 'valid_to_at', cutoff_at) }}

),

final as (

    select
        passed_versions_at_cutoff.coupon_id,
        passed_versions_at_cutoff.coupon_type_code,
        passed_versions_at_cutoff.registration_date,
        passed_versions_at_cutoff.registration_year,
        passed_versions_at_cutoff.registration_month,
        passed_versions_at_cutoff.region_code,
        passed_versions_at_cutoff.counterpart_region_code,
        passed_versions_at_cutoff.counterpart_country_code,
        passed_versions_at_cutoff.flow_code,
        passed_versions_at_cutoff.is_cis,
        passed_versions_at_cutoff.sex_code,
        passed_versions_at_cutoff.age_years,
        passed_versions_at_cutoff.ethnic_group_code,
        passed_versions_at_cutoff.citizenship_code,
        passed_versions_at_cutoff.reason_code
    from passed_versions_at_cutoff
    left join duplicates_at_cutoff
        on passed_versions_at_cutoff.coupon_id = duplicates_at_cutoff.coupon_id
    where duplicates_at_cutoff.coupon_id is null

)

select * from final
