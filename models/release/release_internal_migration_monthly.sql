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
        cast(monthly.internal_migrants as bigint) as internal_migrants,
        cast(monthly.interregional_migrants as bigint) as interregional_migrants,
        cast(monthly.intraregional_migrants as bigint) as intraregional_migrants,
        cast(monthly.source_release_id as varchar) as source_release_id
    from monthly
    inner join releases
        on monthly.release_id = releases.release_id
    -- up to the end of the period (`latest` counts months past it: latest_period_rule)
    where {{ is_shown_in_release_period('releases', 'monthly.year', 'monthly.month') }}

)

select * from final
