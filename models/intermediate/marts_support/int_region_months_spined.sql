-- Every month from the first to the last registration month counted (no gaps), and in
-- each month every region in force on at least one of its days. The monthly marts
-- report every one of these region-months, with zeros where nothing moved.
with

coupons_aggregated_monthly as (

    select * from {{ ref('int_coupons_aggregated_monthly') }}

),

regions as (

    select * from {{ ref('regions') }}

),

month_numbers as (

    -- 1 .. 2400: two centuries of months, far more than any extract spans
    {{ dbt.generate_series(2400) }}

),

counted_month_range as (

    select
        min(registration_year * 12 + registration_month - 1) as first_month_index,
        max(registration_year * 12 + registration_month - 1) as last_month_index
    from coupons_aggregated_monthly

),

month_indexes as (

    select counted_month_range.first_month_index + month_numbers.generated_number - 1 as month_index
    from counted_month_range
    cross join month_numbers
    where
        counted_month_range.first_month_index + month_numbers.generated_number - 1
        <= counted_month_range.last_month_index

),

months as (

    select
        cast(floor(month_index / 12.0) as integer) as registration_year,
        cast(month_index - floor(month_index / 12.0) * 12 + 1 as integer) as registration_month
    from month_indexes

),

months_dated as (

    select
        registration_year,
        registration_month,
        make_date(registration_year, registration_month, 1) as month_start_date,
        {{ dbt.last_day('make_date(registration_year, registration_month, 1)', 'month') }}
            as month_end_date
    from months

),

region_months as (

    select
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
        cast(registration_year as integer) as registration_year,
        cast(registration_month as integer) as registration_month,
        cast(month_start_date as date) as month_start_date,
        cast(month_end_date as date) as month_end_date,
        cast(region_code as varchar) as region_code
    from region_months

)

select * from final
