-- the key figures of each release, one row per figure, in the order the key points give
-- them; a change says the release it compares with (same_vintage_comparison)
{%- set figures = [
    ('arrivals', 'people', false),
    ('departures', 'people', false),
    ('net_migration', 'people', false),
    ('arrivals_change_pct', 'pct', true),
    ('departures_change_pct', 'pct', true),
    ('cis_arrivals_share_pct', 'pct', false),
    ('cis_departures_share_pct', 'pct', false),
    ('internal_migrants', 'people', false),
    ('internal_migrants_change_pct', 'pct', true),
    ('regions_with_positive_interregional_net', 'regions', false),
] %}
with

key_points as (

    select * from {{ ref('release_key_points') }}

),

labels as (

    select * from {{ ref('int_release_labels_translated') }}

),

figure_list as (

    select
        figure_list.row_order,
        figure_list.figure_code,
        figure_list.unit_code,
        figure_list.is_change
    from (
        values
        {%- for figure_code, unit_code, is_change in figures %}
            (
                {{ loop.index }}, '{{ figure_code }}', '{{ unit_code }}', {{ is_change }}
            ){{ ',' if not loop.last }}
        {%- endfor %}
    ) as figure_list (row_order, figure_code, unit_code, is_change)

),

figures as (

    select
        key_points.release_id,
        figure_list.row_order,
        figure_list.figure_code,
        figure_list.unit_code,
        case figure_list.figure_code
            {%- for figure_code, unit_code, is_change in figures %}
                when '{{ figure_code }}'
                    then cast(key_points.{{ figure_code }} as double precision)
            {%- endfor %}
        end as figure_value,
        case when figure_list.is_change then key_points.comparison_release_id end
            as comparison_release_id
    from key_points
    cross join figure_list

),

final as (

    select
        cast(figures.release_id as varchar) as release_id,
        cast(figures.row_order as integer) as row_order,
        cast('item' as varchar) as row_level,
        cast(figures.figure_code as varchar) as figure_code,
        cast(labels.label_en as varchar) as figure_name_en,
        cast(labels.label_ru as varchar) as figure_name_ru,
        cast(labels.label_kk as varchar) as figure_name_kk,
        cast(figures.unit_code as varchar) as unit_code,
        cast(figures.figure_value as double precision) as figure_value,
        cast(figures.comparison_release_id as varchar) as comparison_release_id
    from figures
    inner join labels
        on labels.label_code = 'figure.' || figures.figure_code

)

select * from final
