with

countries as (

    select * from {{ ref('countries') }}

),

final as (

    select
        cast(country_code as varchar) as country_code,
        cast(alpha2_code as varchar) as alpha2_code,
        cast(numeric_code as varchar) as numeric_code,
        cast(country_name_en as varchar) as country_name_en,
        cast(country_name_ru as varchar) as country_name_ru,
        cast(country_name_kk as varchar) as country_name_kk,
        cast(is_cis as boolean) as is_cis,
        cast(is_iso_country as boolean) as is_iso_country
    from countries

)

select * from final
