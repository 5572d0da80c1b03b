-- The coupons counted for every release of the calendar, each at its own cutoff_at: the
-- same filter as int_coupons_counted, evaluated at several moments in one build. A build
-- limited by var('cutoff') knows nothing submitted after it, so it leaves out the releases
-- whose cut-off is later.
{%- set cutoff_at = coupon_cutoff_at() %}

with

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

versions as (

    select * from {{ ref('int_coupon_versions_checked') }}

),

duplicate_registrations as (

    select * from {{ ref('int_duplicate_registrations_identified') }}

),

releases as (

    select
        release_id,
        period_year,
        period_end_month,
        cutoff_at
    from release_calendar
    {%- if cutoff_at is not none %}
    where cutoff_at <= {{ cutoff_at }}
    {%- endif %}

),

release_passed_versions as (

    select
        releases.release_id,
        versions.*
    from releases
    inner join versions
        on
            releases.period_year = versions.registration_year
            and releases.period_end_month >= versions.registration_month
            and {{ is_known_at(
                'versions.valid_from_at', 'versions.valid_to_at', 'releases.cutoff_at'
            ) }}
    where versions.version_outcome = 'passed'

),

release_duplicates as (

    select
        releases.release_id,
        duplicate_registrations.coupon_id
    from releases
    inner join duplicate_registrations
        on {{ is_known_at(
            'duplicate_registrations.valid_from_at',
            'duplicate_registrations.valid_to_at',
            'releases.cutoff_at'
        ) }}

),

final as (

    select
        release_passed_versions.release_id,
        release_passed_versions.coupon_id,
        release_passed_versions.coupon_type_code,
        release_passed_versions.registration_date,
        release_passed_versions.registration_year,
        release_passed_versions.registration_month,
        release_passed_versions.region_code,
        release_passed_versions.counterpart_region_code,
        release_passed_versions.counterpart_country_code,
        release_passed_versions.flow_code,
        release_passed_versions.is_cis,
        release_passed_versions.sex_code,
        release_passed_versions.age_years,
        release_passed_versions.ethnic_group_code,
        release_passed_versions.citizenship_code,
        release_passed_versions.reason_code
    from release_passed_versions
    left join release_duplicates
        on
            release_passed_versions.release_id = release_duplicates.release_id
            and release_passed_versions.coupon_id = release_duplicates.coupon_id
    where release_duplicates.coupon_id is null

)

select * from final
