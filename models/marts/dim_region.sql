with

regions as (

    select * from {{ ref('regions') }}

),

final as (

    select
        cast(region_code as varchar) as region_code,
        cast(region_name_en as varchar) as region_name_en,
        cast(region_name_ru as varchar) as region_name_ru,
        cast(region_name_kk as varchar) as region_name_kk,
        cast(region_kind as varchar) as region_kind,
        cast(valid_from_date as date) as valid_from_date,
        cast(valid_to_date as date) as valid_to_date,
        cast(valid_to_date is null as boolean) as is_in_force
    from regions

)

select * from final
