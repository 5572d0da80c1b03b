-- The counted coupons of every evaluation, as counts per month of registration and cell,
-- computed from knowledge time without copying a coupon per release. A coupon enters the
-- count when a version of it that passed the checks becomes known (valid_from_at) and
-- leaves it when the next version arrives (valid_to_at); it is out of the count while it
-- is a duplicate registration. Each evaluation sums the changes known at its cut-off
-- (`latest`: at the build's cut-off, or all of them), over its period (a release: January
-- to period_end_month of period_year; `latest`: every month). Cells whose count is zero
-- are absent.
{%- set build_cutoff_at = coupon_cutoff_at() %}
{%- set cell_columns = [
    'registration_year',
    'registration_month',
    'coupon_type_code',
    'flow_code',
    'region_code',
    'counterpart_region_code',
    'counterpart_country_code',
    'is_cis',
    'ethnic_group_code',
] %}

with

versions as (

    select * from {{ ref('int_coupon_rows_checked') }}

),

duplicate_registrations as (

    select * from {{ ref('int_duplicate_registrations_identified') }}

),

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

),

passed_versions as (

    select
        coupon_id,
        {%- for column in cell_columns %}
            {{ column }},
        {%- endfor %}
        valid_from_at,
        valid_to_at
    from versions
    where version_outcome = 'passed'

),

-- a duplicate registration is a passed coupon of one version throughout its interval
duplicate_intervals as (

    select
        {%- for column in cell_columns %}
            passed_versions.{{ column }},
        {%- endfor %}
        duplicate_registrations.valid_from_at,
        duplicate_registrations.valid_to_at
    from duplicate_registrations
    inner join passed_versions
        on
            duplicate_registrations.coupon_id = passed_versions.coupon_id
            and {{ is_known_at(
                'passed_versions.valid_from_at',
                'passed_versions.valid_to_at',
                'duplicate_registrations.valid_from_at'
            ) }}

),

count_changes as (

    select
        {{ cell_columns | join(', ') }},
        valid_from_at as changed_at,
        1 as coupon_count_change
    from passed_versions
    union all
    select
        {{ cell_columns | join(', ') }},
        valid_to_at as changed_at,
        -1 as coupon_count_change
    from passed_versions
    where valid_to_at is not null
    union all
    select
        {{ cell_columns | join(', ') }},
        valid_from_at as changed_at,
        -1 as coupon_count_change
    from duplicate_intervals
    union all
    select
        {{ cell_columns | join(', ') }},
        valid_to_at as changed_at,
        1 as coupon_count_change
    from duplicate_intervals
    where valid_to_at is not null

),

-- every change with each release that knows it and whose period holds its month
release_changes as (

    select
        evaluations.release_id,
        count_changes.*
    from count_changes
    inner join evaluations
        on
            count_changes.registration_year = evaluations.period_year
            and count_changes.registration_month <= evaluations.period_end_month
            and count_changes.changed_at <= evaluations.cutoff_at
    where evaluations.vintage != 'latest'

),

release_counts as (

    select
        release_id,
        {{ cell_columns | join(', ') }},
        sum(coupon_count_change) as coupon_count
    from release_changes
    group by release_id, {{ cell_columns | join(', ') }}

),

latest_counts as (

    select
        'latest' as release_id,
        {{ cell_columns | join(', ') }},
        sum(coupon_count_change) as coupon_count
    from count_changes
    {%- if build_cutoff_at is not none %}
    where changed_at <= {{ build_cutoff_at }}
    {%- endif %}
    group by {{ cell_columns | join(', ') }}

),

evaluation_counts as (

    select * from release_counts
    union all
    select * from latest_counts

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(registration_year as integer) as registration_year,
        cast(registration_month as integer) as registration_month,
        cast(coupon_type_code as varchar) as coupon_type_code,
        cast(flow_code as varchar) as flow_code,
        cast(region_code as varchar) as region_code,
        cast(counterpart_region_code as varchar) as counterpart_region_code,
        cast(counterpart_country_code as varchar) as counterpart_country_code,
        cast(is_cis as boolean) as is_cis,
        cast(ethnic_group_code as varchar) as ethnic_group_code,
        cast(coupon_count as bigint) as coupon_count
    from evaluation_counts
    where coupon_count != 0

)

select * from final
