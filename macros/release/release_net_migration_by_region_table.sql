{#-
    The dynamic table of net migration by region of one grain (release_net_migration_by_
    region_annual, _monthly): the years (and months) the release shows (macro
    is_shown_in_release_period), the republic (`KZ`, the sum of its regions: rollup) above
    the regions of each year (or month); the release's own region names, else the names in
    force now, the republic's label.
    Arguments:
      grain: `annual` (migration_by_region_annual) or `monthly` (migration_by_region_monthly).
-#}
{% macro release_net_migration_by_region_table(grain) -%}
with

releases as (

    select * from {{ ref('dim_release') }}

),

region_rows as (

    select * from {{ ref('migration_by_region_' ~ grain) }}

),

-- the release's own region names (those in force at the end of its period)
release_region_names as (

    select by_region.*
    from {{ ref('migration_by_region_annual') }} as by_region
    inner join {{ ref('dim_release') }} as own_periods
        on
            by_region.release_id = own_periods.release_id
            and by_region.year = own_periods.period_year
    where by_region.source_release_id = by_region.release_id

),

-- the names of regions no longer in force in the release's period
current_region_names as (

    select * from {{ ref('dim_region') }}

),

labels as (

    select * from {{ ref('int_release_labels_translated') }}
    where label_code = 'republic'

),

-- the years the release shows (release_dynamics)
release_rows as (

    select region_rows.*
    from region_rows
    inner join releases
        on region_rows.release_id = releases.release_id
    {%- if grain == 'monthly' %}
    -- up to the end of the period (`latest` counts months past it: latest_period_rule)
    where {{ is_shown_in_release_period('releases', 'region_rows.year', 'region_rows.month') }}
    {%- else %}
    where {{ is_shown_in_release_period('releases', 'region_rows.year') }}
    {%- endif %}

),

rolled_up as (

    select
        release_rows.release_id,
        release_rows.year,
        {%- if grain == 'monthly' %}
        release_rows.month,
        {%- endif %}
        release_rows.source_release_id,
        release_rows.region_code,
        grouping(release_rows.region_code) as is_total,
        {{ territory_flow_sum('release_rows', 'arrivals',
            'grouping(release_rows.region_code) = 1') }} as arrivals,
        {{ territory_flow_sum('release_rows', 'departures',
            'grouping(release_rows.region_code) = 1') }} as departures,
        sum(release_rows.net_migration) as net_migration,
        sum(release_rows.external_net_migration) as external_net_migration,
        sum(release_rows.interregional_net) as interregional_net,
        sum(release_rows.intraregional_moves) as intraregional_moves
    from release_rows
    group by
        release_rows.release_id,
        release_rows.year,
        {%- if grain == 'monthly' %}
        release_rows.month,
        {%- endif %}
        release_rows.source_release_id,
        rollup(release_rows.region_code)

),

final as (

    select
        cast(rolled_up.release_id as varchar) as release_id,
        cast(row_number() over (
            partition by rolled_up.release_id
            order by
                rolled_up.year asc,
                {%- if grain == 'monthly' %}
                rolled_up.month asc,
                {%- endif %}
                rolled_up.is_total desc,
                rolled_up.region_code asc
        ) as integer) as row_order,
        cast(case when rolled_up.is_total = 1 then 'total' else 'item' end as varchar)
            as row_level,
        cast(rolled_up.year as integer) as year,
        {%- if grain == 'monthly' %}
        cast(rolled_up.month as integer) as month,
        {%- endif %}
        -- the republic's code is KZ, as in the marts
        cast(case when rolled_up.is_total = 1 then 'KZ' else rolled_up.region_code end as varchar)
            as region_code,
        cast(coalesce(
            release_region_names.region_name_en,
            current_region_names.region_name_en,
            labels.label_en
        ) as varchar) as region_name_en,
        cast(coalesce(
            release_region_names.region_name_ru,
            current_region_names.region_name_ru,
            labels.label_ru
        ) as varchar) as region_name_ru,
        cast(coalesce(
            release_region_names.region_name_kk,
            current_region_names.region_name_kk,
            labels.label_kk
        ) as varchar) as region_name_kk,
        cast(rolled_up.arrivals as bigint) as arrivals,
        cast(rolled_up.departures as bigint) as departures,
        cast(rolled_up.net_migration as bigint) as net_migration,
        cast(rolled_up.external_net_migration as bigint) as external_net_migration,
        cast(rolled_up.interregional_net as bigint) as interregional_net,
        cast(rolled_up.intraregional_moves as bigint) as intraregional_moves,
        cast(rolled_up.source_release_id as varchar) as source_release_id
    from rolled_up
    left join release_region_names
        on
            rolled_up.release_id = release_region_names.release_id
            and rolled_up.region_code = release_region_names.region_code
    left join current_region_names
        on rolled_up.region_code = current_region_names.region_code
    left join labels
        on rolled_up.is_total = 1

)

select * from final
{%- endmacro %}
