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

with

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}

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
