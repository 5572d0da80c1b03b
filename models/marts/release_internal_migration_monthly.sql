with

dynamic_years as (

    select * from {{ ref('int_release_dynamic_years_sourced') }}

),

release_country_flows_monthly as (

    select * from {{ ref('int_release_country_flows_summed_monthly') }}

),

dynamic_months as (

    select
        dynamic_years.release_id,
        release_country_flows_monthly.registration_year,
        release_country_flows_monthly.registration_month,
        dynamic_years.source_release_id,
        release_country_flows_monthly.interregional_migrants,
        release_country_flows_monthly.intraregional_migrants
    from dynamic_years
    inner join release_country_flows_monthly
        on
            dynamic_years.source_release_id = release_country_flows_monthly.release_id
            and dynamic_years.year = release_country_flows_monthly.registration_year

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(registration_year as integer) as year,
        cast(registration_month as integer) as month,
        cast(source_release_id as varchar) as source_release_id,
        cast(interregional_migrants + intraregional_migrants as bigint) as internal_migrants,
        cast(interregional_migrants as bigint) as interregional_migrants,
        cast(intraregional_migrants as bigint) as intraregional_migrants
    from dynamic_months

)

select * from final
