-- Every month an evaluation reports, and in each month every region in force on at least
-- one of its days: for a release, January to period_end_month of period_year; for
-- `latest`, every month from the first to the last registration month counted, in the
-- calendar years in which it counts anything (no month missing within such a year; a
-- year in which nothing is counted, such as the decades between a registration typed 1923
-- and today, has no rows). Months are built from the years (12 per year), so any
-- registration year 1–9999 is spined, however far apart the years counted lie.
-- The monthly tables report every one of these region-months, zeros where nothing moved.
with

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

),

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}
    where cell_shape_code = 'coupon'

),

regions as (

    select * from {{ ref('regions') }}

),

generated_numbers as (

    {{ dbt.generate_series(12) }}

),

-- 1 .. 12, as integers (PostgreSQL's generated numbers are not)
month_numbers as (

    select cast(generated_number as integer) as month_number
    from generated_numbers

),

release_months as (

    select
        evaluations.release_id,
        evaluations.period_year as registration_year,
        month_numbers.month_number as registration_month
    from evaluations
    inner join month_numbers
        on evaluations.period_end_month >= month_numbers.month_number
    where evaluations.vintage != 'latest'

),

latest_years as (

    select distinct registration_year
    from coupon_counts
    where release_id = 'latest'

),

latest_month_range as (

    select
        min(registration_year * 12 + registration_month - 1) as first_month_index,
        max(registration_year * 12 + registration_month - 1) as last_month_index
    from coupon_counts
    where release_id = 'latest'

),

latest_months as (

    select
        'latest' as release_id,
        latest_years.registration_year,
        month_numbers.month_number as registration_month
    from latest_years
    cross join month_numbers
    cross join latest_month_range
    where
        latest_years.registration_year * 12 + month_numbers.month_number - 1
        between latest_month_range.first_month_index and latest_month_range.last_month_index

),

months as (

    select * from release_months
    union all
    select * from latest_months

),

months_dated as (

    select
        release_id,
        registration_year,
        registration_month,
        make_date(registration_year, registration_month, 1) as month_start_date,
        {{ dbt.last_day('make_date(registration_year, registration_month, 1)', 'month') }}
            as month_end_date
    from months

),

region_months as (

    select
        months_dated.release_id,
        months_dated.registration_year,
        months_dated.registration_month,
        months_dated.month_start_date,
        months_dated.month_end_date,
        regions.region_code
    from months_dated
    inner join regions
        on {{ region_in_force_between(
            'regions', 'months_dated.month_start_date', 'months_dated.month_end_date'
        ) }}

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(registration_year as integer) as registration_year,
        cast(registration_month as integer) as registration_month,
        cast(month_start_date as date) as month_start_date,
        cast(month_end_date as date) as month_end_date,
        cast(region_code as varchar) as region_code
    from region_months

)

select * from final
