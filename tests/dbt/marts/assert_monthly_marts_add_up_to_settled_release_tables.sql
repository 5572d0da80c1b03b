-- The monthly marts (as of the build's cut-off), summed over a release's period, equal
-- the release's own tables for every release that is settled: nothing was submitted
-- after its cut-off (up to the build's cut-off), so both see the same coupons.
-- Checks the region table, the country table, the origin–destination flows, the ethnic
-- structure and the key figures. One row per difference.
{%- set build_cutoff_at = coupon_cutoff_at() %}

with

extract_rows as (

    select * from {{ ref('stg_coupons__extract_rows') }}

),

release_key_points as (

    select * from {{ ref('release_key_points') }}

),

-- the last submission the build knows (one aggregate, not a per-release scan of every row)
last_landed as (

    select max(submitted_at) as last_submitted_at
    from extract_rows
    {%- if build_cutoff_at is not none %}
    where submitted_at <= {{ build_cutoff_at }}
    {%- endif %}

),

settled_releases as (

    select
        release_key_points.release_id,
        release_key_points.period_year,
        release_key_points.period_end_month
    from release_key_points
    cross join last_landed
    where
        last_landed.last_submitted_at is null
        or last_landed.last_submitted_at <= release_key_points.cutoff_at

),

-- the last month of the release's period that the monthly marts hold (they end with the
-- last month of registration counted; nothing was registered after it)
covered_periods as (

    select
        settled_releases.release_id,
        settled_releases.period_year,
        max(cumulative.period_end_month) as covered_end_month
    from settled_releases
    left join {{ ref('migration_key_figures_cumulative') }} as cumulative
        on
            settled_releases.period_year = cumulative.period_year
            and settled_releases.period_end_month >= cumulative.period_end_month
    group by settled_releases.release_id, settled_releases.period_year

),

-- region table ------------------------------------------------------------------------
monthly_by_region as (

    select
        settled_releases.release_id,
        monthly.region_code,
        sum(monthly.arrivals) as arrivals,
        sum(monthly.departures) as departures,
        sum(monthly.external_arrivals) as external_arrivals,
        sum(monthly.external_departures) as external_departures,
        sum(monthly.interregional_arrivals) as interregional_arrivals,
        sum(monthly.interregional_departures) as interregional_departures,
        sum(monthly.intraregional_moves) as intraregional_moves
    from settled_releases
    inner join {{ ref('net_migration_monthly') }} as monthly
        on
            settled_releases.period_year = monthly.year
            and settled_releases.period_end_month >= monthly.month
    group by settled_releases.release_id, monthly.region_code

),

release_by_region as (

    select release_tables.*
    from {{ ref('release_migration_by_region') }} as release_tables
    inner join settled_releases
        on release_tables.release_id = settled_releases.release_id

),

region_differences as (

    {{ differing_rows(
        'release_table', 'release_migration_by_region', 'release_by_region', 'monthly_by_region',
        ['release_id'], ['region_code'],
        ['arrivals', 'departures', 'external_arrivals', 'external_departures',
         'interregional_arrivals', 'interregional_departures', 'intraregional_moves'],
        missing_as_zero=true,
    ) }}

),

-- country table -----------------------------------------------------------------------
monthly_by_country as (

    select
        settled_releases.release_id,
        monthly.country_code,
        sum(monthly.arrivals) as arrivals,
        sum(monthly.departures) as departures
    from settled_releases
    inner join {{ ref('external_migration_by_country_monthly') }} as monthly
        on
            settled_releases.period_year = monthly.year
            and settled_releases.period_end_month >= monthly.month
    group by settled_releases.release_id, monthly.country_code

),

release_by_country as (

    select release_tables.*
    from {{ ref('release_external_migration_by_country') }} as release_tables
    inner join settled_releases
        on release_tables.release_id = settled_releases.release_id

),

country_differences as (

    {{ differing_rows(
        'release_table', 'release_external_migration_by_country', 'release_by_country',
        'monthly_by_country', ['release_id'], ['country_code'], ['arrivals', 'departures'],
        missing_as_zero=true,
    ) }}

),

-- origin–destination flows -------------------------------------------------------------
monthly_flows as (

    select
        settled_releases.release_id,
        monthly.origin_region_code,
        monthly.destination_region_code,
        sum(monthly.migrants) as migrants
    from settled_releases
    inner join {{ ref('interregional_flows_monthly') }} as monthly
        on
            settled_releases.period_year = monthly.year
            and settled_releases.period_end_month >= monthly.month
    group by
        settled_releases.release_id,
        monthly.origin_region_code,
        monthly.destination_region_code

),

release_flows as (

    select release_tables.*
    from {{ ref('release_interregional_flows') }} as release_tables
    inner join settled_releases
        on release_tables.release_id = settled_releases.release_id

),

flow_differences as (

    {{ differing_rows(
        'release_table', 'release_interregional_flows', 'release_flows', 'monthly_flows',
        ['release_id'], ['origin_region_code', 'destination_region_code'], ['migrants'],
        missing_as_zero=true,
    ) }}

),

-- ethnic structure --------------------------------------------------------------------
ethnic_differences as (

    select
        'release_external_migration_by_ethnic_group' as release_table,
        release_tables.release_id,
        release_tables.ethnic_group_code as dimension_code
    from {{ ref('release_external_migration_by_ethnic_group') }} as release_tables
    inner join covered_periods
        on release_tables.release_id = covered_periods.release_id
    left join {{ ref('external_migration_by_ethnic_group_cumulative') }} as cumulative
        on
            covered_periods.period_year = cumulative.period_year
            and covered_periods.covered_end_month = cumulative.period_end_month
            and release_tables.ethnic_group_code = cumulative.ethnic_group_code
    where
        release_tables.arrivals <> coalesce(cumulative.arrivals, 0)
        or release_tables.departures <> coalesce(cumulative.departures, 0)

),

-- key figures -------------------------------------------------------------------------
key_point_differences as (

    select
        'release_key_points' as release_table,
        release_key_points.release_id,
        cast(null as varchar) as dimension_code
    from release_key_points
    inner join covered_periods
        on release_key_points.release_id = covered_periods.release_id
    left join {{ ref('migration_key_figures_cumulative') }} as cumulative
        on
            covered_periods.period_year = cumulative.period_year
            and covered_periods.covered_end_month = cumulative.period_end_month
    where
        release_key_points.arrivals <> coalesce(cumulative.arrivals, 0)
        or release_key_points.departures <> coalesce(cumulative.departures, 0)
        or release_key_points.internal_migrants <> coalesce(cumulative.internal_migrants, 0)
        or coalesce(release_key_points.cis_arrivals_share_pct, -1)
        <> coalesce(cumulative.cis_arrivals_share_pct, -1)
        or coalesce(release_key_points.cis_departures_share_pct, -1)
        <> coalesce(cumulative.cis_departures_share_pct, -1)

),

final as (

    select * from region_differences
    union all
    select * from country_differences
    union all
    select * from flow_differences
    union all
    select * from ethnic_differences
    union all
    select * from key_point_differences

)

select * from final
