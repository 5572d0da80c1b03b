-- every key value of every SDMX observation is in its dimension's code list
with

observations as (

    select * from {{ ref('release_sdmx_observations') }}

),

codes as (

    select * from {{ ref('release_sdmx_codes') }}

),

key_values as (

    {%- for dimension in ['ref_area', 'flow', 'direction', 'counterpart_area',
                          'citizenship', 'reason', 'sex', 'age', 'conf_status'] %}
        select distinct
            '{{ dimension | upper }}' as dimension_code,
            {{ dimension }} as code
        from observations
        {{ 'union all' if not loop.last }}
    {%- endfor %}

)

select key_values.*
from key_values
left join codes
    on
        key_values.dimension_code = codes.dimension_code
        and key_values.code = codes.code
where codes.code is null
