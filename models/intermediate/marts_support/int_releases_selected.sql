-- The releases of the calendar this build can compute: all of them without a cut-off;
-- with var('cutoff'), those whose own cut-off is at or before it (the same rule as
-- int_release_coupons_counted: a build knows nothing submitted after its cut-off).
{%- set build_cutoff_at = coupon_cutoff_at() %}

with

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

selected as (

    select
        release_id,
        period_year,
        period_end_month,
        vintage,
        cutoff_at
    from release_calendar
    {%- if build_cutoff_at is not none %}
    where cutoff_at <= {{ build_cutoff_at }}
    {%- endif %}

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(period_year as integer) as period_year,
        cast(period_end_month as integer) as period_end_month,
        cast(vintage as varchar) as vintage,
        cast(cutoff_at as timestamp) as cutoff_at,
        make_date(period_year, 1, 1) as period_start_date,
        cast(
            {{ dbt.last_day('make_date(period_year, period_end_month, 1)', 'month') }} as date
        ) as period_end_date
    from selected

)

select * from final
