-- The evaluations this build computes, one row each: every release of the calendar whose
-- own cut-off is at or before the build's cut-off (all of them without var('cutoff'): a
-- build knows nothing submitted after its cut-off), and `latest`, everything known at the
-- build's cut-off. Each release is compared with the release of the same period of the
-- previous year at the same vintage; `latest` with itself.
{%- set build_cutoff_at = coupon_cutoff_at() %}

with

release_calendar as (

    select * from {{ ref('release_calendar') }}

),

releases as (

    select
        release_id,
        vintage,
        period_year,
        period_end_month,
        cutoff_at,
        release_date
    from release_calendar
    {%- if build_cutoff_at is not none %}
    where cutoff_at <= {{ build_cutoff_at }}
    {%- endif %}

),

releases_compared as (

    select
        releases.release_id,
        releases.vintage,
        releases.period_year,
        releases.period_end_month,
        releases.cutoff_at,
        releases.release_date,
        comparison_releases.release_id as comparison_release_id
    from releases
    left join releases as comparison_releases
        on
            releases.period_year - 1 = comparison_releases.period_year
            and releases.period_end_month = comparison_releases.period_end_month
            and releases.vintage = comparison_releases.vintage

),

latest as (

    select
        'latest' as release_id,
        'latest' as vintage,
        cast(null as integer) as period_year,
        cast(null as integer) as period_end_month,
        {% if build_cutoff_at is none -%}
            cast(null as timestamp)
        {%- else -%}
            {{ build_cutoff_at }}
        {%- endif %} as cutoff_at,
        cast(null as date) as release_date,
        'latest' as comparison_release_id

),

evaluations as (

    select * from releases_compared
    union all
    select * from latest

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(vintage as varchar) as vintage,
        cast(period_year as integer) as period_year,
        cast(period_end_month as integer) as period_end_month,
        cast(cutoff_at as timestamp) as cutoff_at,
        cast(release_date as date) as release_date,
        cast(make_date(period_year, 1, 1) as date) as period_start_date,
        cast(
            {{ dbt.last_day('make_date(period_year, period_end_month, 1)', 'month') }} as date
        ) as period_end_date,
        cast(comparison_release_id as varchar) as comparison_release_id
    from evaluations

)

select * from final
