-- The counted coupons of every evaluation, as counts per month of registration and cell,
-- computed from knowledge time without copying a coupon per release, for every cell shape
-- in one pass (cell_shape_code): `coupon`, the main cell of the key tables (counterpart
-- country, CIS, ethnic group); `person`, the people's sex and age groups; and
-- `reason_citizenship`, the declared reason and citizenship. Each shape counts every
-- counted coupon once; a shape's columns are null in the rows of the other shapes. Age is
-- grouped before counting (five-year group, working-age group of the registration year and
-- sex: macro age_group_columns), so no age in years and no personal data leave this model.
-- A coupon enters the count when a version of it that passed the checks becomes known
-- (valid_from_at) and leaves it when the next version arrives (valid_to_at); it is out of
-- the count while it is a duplicate registration. Each evaluation sums the changes known
-- at its cut-off (`latest`: at the build's cut-off, or all of them), over its period (a
-- release: January to period_end_month of period_year; `latest`: every month). Cells whose
-- count is zero are absent. The knowledge-time counting is the macro
-- evaluated_coupon_count_ctes.
{%- set common_columns = [
    'registration_year',
    'registration_month',
    'coupon_type_code',
    'flow_code',
    'region_code',
    'counterpart_region_code',
] %}
{%- set cell_shapes = [
    {'code': 'coupon', 'columns': ['counterpart_country_code', 'is_cis', 'ethnic_group_code']},
    {'code': 'person', 'columns': ['sex_code', 'five_year_age_from_years', 'working_age_group_code']},
    {'code': 'reason_citizenship', 'columns': ['reason_code', 'citizenship_code']},
] %}

-- Release-scoped (macro release_scope): a build recomputes the releases that what was
-- ingested since can change, and keeps the rows of the others.
-- depends_on: {{ ref('int_evaluations_selected') }}
-- depends_on: {{ ref('stg_coupons__extract_rows') }}
{%- set scope = release_scope() %}
{{ config(post_hook="{{ record_release_scope() }}") }}
with

{{ release_scope_changed_releases(scope) }}

checked_versions as not materialized (

    select * from {{ ref('int_coupon_rows_checked') }}

),

duplicate_registrations_identified as (

    select * from {{ ref('int_duplicate_registrations_identified') }}

),

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}
    where {{ release_scope_filter(scope, 'release_id') }}

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
        {%- for column in common_columns + cell_shapes[0].columns %}
            checked_versions.{{ column }},
        {%- endfor %}
        checked_versions.sex_code,
        {{ age_group_columns('checked_versions', 'sex_age_bounds') }},
        checked_versions.reason_code,
        checked_versions.citizenship_code
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
        {%- for column in common_columns + cell_shapes[0].columns %}
            duplicate_registrations_identified.{{ column }},
        {%- endfor %}
        duplicate_registrations_identified.sex_code,
        {{ age_group_columns('duplicate_registrations_identified', 'sex_age_bounds') }},
        duplicate_registrations_identified.reason_code,
        duplicate_registrations_identified.citizenship_code
    from duplicate_registrations_identified
    left join sex_age_bounds
        on
            duplicate_registrations_identified.registration_year = sex_age_bounds.year
            and duplicate_registrations_identified.sex_code = sex_age_bounds.sex_code

),

-- the counting's GROUPING SETS: sqlfluff's duckdb dialect does not parse them (DuckDB
-- and PostgreSQL do), so the parse check is off for the macro's CTEs
-- noqa: disable=PRS
{{ evaluated_coupon_count_ctes(common_columns, cell_shapes) }},
-- noqa: enable=PRS

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(cell_shape_code as varchar) as cell_shape_code,
        cast(registration_year as integer) as registration_year,
        cast(registration_month as integer) as registration_month,
        cast(coupon_type_code as varchar) as coupon_type_code,
        cast(flow_code as varchar) as flow_code,
        cast(region_code as varchar) as region_code,
        cast(counterpart_region_code as varchar) as counterpart_region_code,
        cast(counterpart_country_code as varchar) as counterpart_country_code,
        cast(is_cis as boolean) as is_cis,
        cast(ethnic_group_code as varchar) as ethnic_group_code,
        cast(sex_code as varchar) as sex_code,
        cast(five_year_age_from_years as integer) as five_year_age_from_years,
        cast(working_age_group_code as varchar) as working_age_group_code,
        cast(reason_code as varchar) as reason_code,
        cast(citizenship_code as varchar) as citizenship_code,
        cast(coupon_count as bigint) as coupon_count
    from evaluation_counts
    where coupon_count != 0

)

select * from final
{{ release_scope_kept_rows(scope) }}
