-- The years this build counts that the reference data joined by year do not cover, with
-- what could not be determined for them and how many coupons `latest` counts in each
-- (`latest` counts every year; a release only its own period). Extract spec 1.2: any real
-- calendar date is a registration date, and missing reference data for its year never stop
-- a build; what depends on them is "not determined" and the coupon is still counted:
--   * working_age_bounds: no bounds for the year: the working-age group is `WA_U` (macro
--     age_group_columns; the seed holds both sexes of each year it has);
--   * population: no rate per 1,000 on the table's basis (`not_available` in
--     marts.migration_annual, the country's table, or in marts.migration_intensity_annual,
--     the region table with the republic's row): read from those marts, where the rule is;
--   * release_calendar: no release of the calendar covers the year, so only `latest`
--     counts its coupons (a release counts its own period; its dynamic tables show only
--     years a December release of the calendar covers).
-- kzmig build prints these rows at the end of a build (kzmig/build.py).
with

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}
    where cell_shape_code = 'coupon'

),

working_age_bounds as (

    select * from {{ ref('working_age_bounds') }}

),

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

migration_annual as (

    select * from {{ ref('migration_annual') }}

),

migration_intensity_annual as (

    select * from {{ ref('migration_intensity_annual') }}

),

counted_years as (

    select
        registration_year as year,
        sum(coupon_count) as coupon_count
    from coupon_counts
    where release_id = 'latest'
    group by registration_year

),

working_age_years as (

    select distinct year
    from working_age_bounds

),

release_years as (

    select distinct period_year as year
    from release_calendar

),

country_intensity_years as (

    select distinct year
    from migration_annual
    where
        release_id = 'latest'
        and population_basis_code = 'not_available'

),

region_intensity_years as (

    select distinct year
    from migration_intensity_annual
    where
        release_id = 'latest'
        and population_basis_code = 'not_available'

),

working_age_not_covered as (

    select
        'working_age_bounds' as reference_code,
        'working_age_group_not_determined' as consequence_code,
        counted_years.year,
        counted_years.coupon_count
    from counted_years
    left join working_age_years
        on counted_years.year = working_age_years.year
    where working_age_years.year is null

),

country_intensity_not_covered as (

    select
        'population' as reference_code,
        'country_intensity_not_determined' as consequence_code,
        counted_years.year,
        counted_years.coupon_count
    from counted_years
    inner join country_intensity_years
        on counted_years.year = country_intensity_years.year

),

region_intensity_not_covered as (

    select
        'population' as reference_code,
        'region_intensity_not_determined' as consequence_code,
        counted_years.year,
        counted_years.coupon_count
    from counted_years
    inner join region_intensity_years
        on counted_years.year = region_intensity_years.year

),

release_calendar_not_covered as (

    select
        'release_calendar' as reference_code,
        'counted_in_latest_only' as consequence_code,
        counted_years.year,
        counted_years.coupon_count
    from counted_years
    left join release_years
        on counted_years.year = release_years.year
    where release_years.year is null

),

not_covered as (

    select * from working_age_not_covered
    union all
    select * from country_intensity_not_covered
    union all
    select * from region_intensity_not_covered
    union all
    select * from release_calendar_not_covered

),

final as (

    select
        cast(reference_code as varchar) as reference_code,
        cast(consequence_code as varchar) as consequence_code,
        cast(year as integer) as year,
        cast(coupon_count as bigint) as coupon_count
    from not_covered

)

select * from final
