with

countries as (

    select * from {{ ref('countries') }}

),

country_short_names as (

    select * from {{ ref('country_short_names') }}

),

-- the names a table shows: BNS's short form where it has one, the ISO name otherwise
named as (

    select
        countries.*,
        coalesce(country_short_names.country_short_name_en, countries.country_name_en)
            as country_short_name_en,
        coalesce(country_short_names.country_short_name_ru, countries.country_name_ru)
            as country_short_name_ru,
        coalesce(country_short_names.country_short_name_kk, countries.country_name_kk)
            as country_short_name_kk
    from countries
    left join country_short_names
        on countries.country_code = country_short_names.country_code

),

final as (

    select
        cast(country_code as varchar) as country_code,
        cast(alpha2_code as varchar) as alpha2_code,
        cast(numeric_code as varchar) as numeric_code,
        cast(country_name_en as varchar) as country_name_en,
        cast(country_name_ru as varchar) as country_name_ru,
        cast(country_name_kk as varchar) as country_name_kk,
        cast(country_short_name_en as varchar) as country_short_name_en,
        cast(country_short_name_ru as varchar) as country_short_name_ru,
        cast(country_short_name_kk as varchar) as country_short_name_kk,
        cast(is_cis as boolean) as is_cis,
        cast(is_iso_country as boolean) as is_iso_country
    from named

)

select * from final
