{#-
    A dynamic table by month of the republic (release_external_migration_monthly,
    release_internal_migration_monthly): the months the release shows of migration_monthly
    (macro is_shown_in_release_period), in order, with the given columns.
    Arguments:
      columns: list of [column, data type] of migration_monthly to show, in order.
-#}
{% macro release_migration_monthly_table(columns) -%}
with

releases as (

    select * from {{ ref('dim_release') }}

),

monthly as (

    select * from {{ ref('migration_monthly') }}

),

final as (

    select
        cast(monthly.release_id as varchar) as release_id,
        cast(row_number() over (
            partition by monthly.release_id order by monthly.year, monthly.month
        ) as integer) as row_order,
        cast('item' as varchar) as row_level,
        cast(monthly.year as integer) as year,
        cast(monthly.month as integer) as month,
        {%- for column, data_type in columns %}
        cast(monthly.{{ column }} as {{ data_type }}) as {{ column }},
        {%- endfor %}
        cast(monthly.source_release_id as varchar) as source_release_id
    from monthly
    inner join releases
        on monthly.release_id = releases.release_id
    -- up to the end of the period (`latest` counts months past it: latest_period_rule)
    where {{ is_shown_in_release_period('releases', 'monthly.year', 'monthly.month') }}

)

select * from final
{%- endmacro %}
