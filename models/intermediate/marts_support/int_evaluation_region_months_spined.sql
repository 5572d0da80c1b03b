-- Every month an evaluation reports, and in each month every region in force on at least
-- one of its days: for a release, January to period_end_month of period_year; for
-- `latest`, every month from the first to the last registration month counted (no gaps).
-- The monthly tables report every one of these region-months, zeros where nothing moved.
with

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

),

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}

),

regions as (

    select * from {{ ref('regions') }}

),

month_numbers as (

    -- 1 .. 2400: two centuries of months, far more than any extract spans
    {{ dbt.generate_series(2400) }}

),

release_month_ranges as (

    select
        release_id,
        period_year * 12 as first_month_index,
        period_year * 12 + period_end_month - 1 as last_month_index
    from evaluations
    where vintage != 'latest'

),

latest_month_range as (

    select
        'latest' as release_id,
        min(registration_year * 12 + registration_month - 1) as first_month_index,
        max(registration_year * 12 + registration_month - 1) as last_month_index
    from coupon_counts
    where release_id = 'latest'

),

month_ranges as (

    select * from release_month_ranges
    union all
    select * from latest_month_range

),

month_indexes as (

    select
        month_ranges.release_id,
        month_ranges.first_month_index + month_numbers.generated_number - 1 as month_index
    from month_ranges
    inner join month_numbers
        on
            month_ranges.first_month_index + month_numbers.generated_number - 1
            <= month_ranges.last_month_index

),

months as (

    select
        release_id,
        cast(floor(month_index / 12.0) as integer) as registration_year,
        cast(month_index - floor(month_index / 12.0) * 12 + 1 as integer) as registration_month
    from month_indexes

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
