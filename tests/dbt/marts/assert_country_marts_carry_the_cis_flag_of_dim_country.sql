-- Every country row of the country marts carries the CIS flag of its country in
-- dim_country (the flag the CIS shares are computed with). One row per disagreement.
with

dim_country as (

    select * from {{ ref('dim_country') }}

),

country_rows as (

    select
        'external_migration_by_country_monthly' as mart,
        country_code,
        is_cis
    from {{ ref('external_migration_by_country_monthly') }}

    union all

    select
        'external_migration_by_country_annual' as mart,
        country_code,
        is_cis
    from {{ ref('external_migration_by_country_annual') }}


),

final as (

    select distinct
        country_rows.mart,
        country_rows.country_code,
        country_rows.is_cis,
        dim_country.is_cis as dim_country_is_cis
    from country_rows
    left join dim_country
        on country_rows.country_code = dim_country.country_code
    where dim_country.is_cis is null or country_rows.is_cis <> dim_country.is_cis

)

select * from final
