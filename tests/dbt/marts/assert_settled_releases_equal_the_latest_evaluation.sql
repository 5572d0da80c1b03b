-- A release is settled when nothing known to the build was submitted after its cut-off:
-- it then counts exactly what `latest` counts over the release's period, cell by cell.
-- Checks that evaluating the knowledge-time changes at a release's cut-off and at the
-- build's agree wherever they must. One row per differing cell.
{%- set build_cutoff_at = coupon_cutoff_at() %}
{%- set cell_columns = [
    'registration_year', 'registration_month', 'coupon_type_code', 'flow_code',
    'region_code', 'counterpart_region_code', 'counterpart_country_code', 'is_cis',
    'ethnic_group_code',
] %}

with

extract_rows as (

    select * from {{ ref('stg_coupons__extract_rows') }}

),

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

),

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}
    where cell_shape_code = 'coupon'

),

-- the last submission the build knows (one aggregate, not a per-release scan)
last_landed as (

    select max(submitted_at) as last_submitted_at
    from extract_rows
    {%- if build_cutoff_at is not none %}
    where submitted_at <= {{ build_cutoff_at }}
    {%- endif %}

),

settled_releases as (

    select
        evaluations.release_id,
        evaluations.period_year,
        evaluations.period_end_month
    from evaluations
    cross join last_landed
    where
        evaluations.vintage != 'latest'
        and (
            last_landed.last_submitted_at is null
            or last_landed.last_submitted_at <= evaluations.cutoff_at
        )

),

release_cells as (

    select coupon_counts.*
    from coupon_counts
    inner join settled_releases
        on coupon_counts.release_id = settled_releases.release_id

),

latest_cells as (

    select
        settled_releases.release_id,
        {%- for column in cell_columns %}
        coupon_counts.{{ column }},
        {%- endfor %}
        coupon_counts.coupon_count
    from settled_releases
    inner join coupon_counts
        on
            coupon_counts.release_id = 'latest'
            and settled_releases.period_year = coupon_counts.registration_year
            and settled_releases.period_end_month >= coupon_counts.registration_month

),

final as (

    select
        coalesce(release_cells.release_id, latest_cells.release_id) as release_id,
        {%- for column in cell_columns %}
        coalesce(release_cells.{{ column }}, latest_cells.{{ column }}) as {{ column }},
        {%- endfor %}
        release_cells.coupon_count as release_coupon_count,
        latest_cells.coupon_count as latest_coupon_count
    from release_cells
    full outer join latest_cells
        on
            release_cells.release_id = latest_cells.release_id
            {%- for column in cell_columns %}
            and release_cells.{{ column }} is not distinct from latest_cells.{{ column }}
            {%- endfor %}
    where
        release_cells.coupon_count is distinct from latest_cells.coupon_count

)

select * from final
