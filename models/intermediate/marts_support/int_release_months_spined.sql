-- Every month of every release's cumulative period (January .. period_end_month of
-- period_year), whether or not anything was registered in it: the months the release's
-- dynamic tables by month report for its own year.
with

releases as (

    select * from {{ ref('int_releases_selected') }}

),

month_numbers as (

    -- 1 .. 12 (a double precision on PostgreSQL: cast before use)
    {{ dbt.generate_series(12) }}

),

release_months as (

    select
        releases.release_id,
        releases.period_year as registration_year,
        cast(month_numbers.generated_number as integer) as registration_month
    from releases
    inner join month_numbers
        on releases.period_end_month >= month_numbers.generated_number

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(registration_year as integer) as registration_year,
        cast(registration_month as integer) as registration_month,
        make_date(registration_year, registration_month, 1) as month_start_date,
        cast(
            {{ dbt.last_day('make_date(registration_year, registration_month, 1)', 'month') }}
            as date
        ) as month_end_date
    from release_months

)

select * from final
