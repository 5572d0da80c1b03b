-- the interregional columns of the region table, its rows and order
with

by_region as (

    select * from {{ ref('release_migration_by_region') }}

),

final as (

    select
        release_id,
        row_order,
        row_level,
        region_code,
        region_name_en,
        region_name_ru,
        region_name_kk,
        interregional_arrivals,
        interregional_departures,
        interregional_net
    from by_region

)

select * from final
