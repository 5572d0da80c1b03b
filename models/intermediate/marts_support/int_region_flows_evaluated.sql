-- The region rule of the extract spec (macro region_flow_ends), applied once to the counts
-- of every evaluation and every cell shape (int_coupon_counts_evaluated): each coupon at
-- its region (an external arrival or departure, an interregional arrival, an intraregional
-- move) and each interregional coupon again at its counterpart region (an interregional
-- departure), summed per region and cell. The monthly region tables and the people's
-- marts take their shape from it (`where cell_shape_code = …`) and sum it further.
{%- set grain_columns = [
    'release_id',
    'cell_shape_code',
    'registration_year',
    'registration_month',
    'flow_code',
    'counterpart_country_code',
    'is_cis',
    'ethnic_group_code',
    'sex_code',
    'five_year_age_from_years',
    'working_age_group_code',
    'reason_code',
    'citizenship_code',
] %}

-- Release-scoped (macro release_scope): a build recomputes the releases that what was
-- ingested since can change, and keeps the rows of the others.
-- depends_on: {{ ref('int_evaluations_selected') }}
-- depends_on: {{ ref('stg_coupons__extract_rows') }}
{%- set scope = release_scope() %}
{{ config(post_hook="{{ record_release_scope() }}") }}
with

{{ release_scope_changed_releases(scope) }}

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}
    where {{ release_scope_filter(scope, 'release_id') }}

),

flow_ends as (

    {{ region_flow_ends('coupon_counts', grain_columns) }}

),

final as (

    select
        {%- for column in grain_columns %}
            {{ column }},
        {%- endfor %}
        region_code,
        cast(sum(external_arrivals) as bigint) as external_arrivals,
        cast(sum(external_departures) as bigint) as external_departures,
        cast(sum(interregional_arrivals) as bigint) as interregional_arrivals,
        cast(sum(interregional_departures) as bigint) as interregional_departures,
        cast(sum(intraregional_moves) as bigint) as intraregional_moves
    from flow_ends
    group by
        {%- for column in grain_columns %}
            {{ column }},
        {%- endfor %}
        region_code

)

select * from final
{{ release_scope_kept_rows(scope) }}
