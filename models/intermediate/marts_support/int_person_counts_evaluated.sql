-- The counted coupons of every evaluation as counts by sex and age group: the same
-- knowledge-time counting as int_coupon_counts_evaluated (macro
-- evaluated_coupon_count_ctes), in a cell of its own rather than a wider main cell, so
-- that the key tables keep their narrow counts. Age is grouped before counting (five-year
-- group, working-age group of the registration year and sex: macro age_group_columns), so
-- no age in years and no personal data leave this model. Cells whose count is zero are
-- absent.
{%- set cell_columns = [
    'registration_year',
    'registration_month',
    'coupon_type_code',
    'flow_code',
    'region_code',
    'counterpart_region_code',
    'sex_code',
    'five_year_age_from_years',
    'working_age_group_code',
] %}

with

checked_versions as not materialized (

    select * from {{ ref('int_coupon_rows_checked') }}

),

duplicate_registrations_identified as (

    select * from {{ ref('int_duplicate_registrations_identified') }}

),

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

),

working_age_bounds as (

    select * from {{ ref('working_age_bounds') }}

),

-- the bounds of each year for men and women, and for sex not stated the ages on which
-- both agree: working age only where it is working age for both, above it only above both
sex_age_bounds as (

    select
        year,
        sex_code,
        working_age_from_years,
        working_age_to_years,
        working_age_to_years + 1 as above_working_age_from_years
    from working_age_bounds

    union all

    select
        year,
        'U' as sex_code,
        max(working_age_from_years) as working_age_from_years,
        min(working_age_to_years) as working_age_to_years,
        max(working_age_to_years) + 1 as above_working_age_from_years
    from working_age_bounds
    group by year

),

versions as not materialized (

    select
        checked_versions.version_outcome,
        checked_versions.valid_from_at,
        checked_versions.valid_to_at,
        checked_versions.registration_year,
        checked_versions.registration_month,
        checked_versions.coupon_type_code,
        checked_versions.flow_code,
        checked_versions.region_code,
        checked_versions.counterpart_region_code,
        checked_versions.sex_code,
        {{ age_group_columns('checked_versions', 'sex_age_bounds') }}
    from checked_versions
    left join sex_age_bounds
        on
            checked_versions.registration_year = sex_age_bounds.year
            and checked_versions.sex_code = sex_age_bounds.sex_code
    where checked_versions.version_outcome = 'passed'

),

duplicate_registrations as (

    select
        duplicate_registrations_identified.valid_from_at,
        duplicate_registrations_identified.valid_to_at,
        duplicate_registrations_identified.registration_year,
        duplicate_registrations_identified.registration_month,
        duplicate_registrations_identified.coupon_type_code,
        duplicate_registrations_identified.flow_code,
        duplicate_registrations_identified.region_code,
        duplicate_registrations_identified.counterpart_region_code,
        duplicate_registrations_identified.sex_code,
        {{ age_group_columns('duplicate_registrations_identified', 'sex_age_bounds') }}
    from duplicate_registrations_identified
    left join sex_age_bounds
        on
            duplicate_registrations_identified.registration_year = sex_age_bounds.year
            and duplicate_registrations_identified.sex_code = sex_age_bounds.sex_code

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
        cast(sex_code as varchar) as sex_code,
        cast(five_year_age_from_years as integer) as five_year_age_from_years,
        cast(working_age_group_code as varchar) as working_age_group_code,
        cast(coupon_count as bigint) as coupon_count
    from evaluation_counts
    where coupon_count != 0

)

select * from final
