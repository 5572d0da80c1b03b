with

country_flows_monthly as (

    select * from {{ ref('int_country_flows_summed_monthly') }}

),

final as (

    select
        cast(registration_year as integer) as year,
        cast(registration_month as integer) as month,
        cast(interregional_migrants + intraregional_migrants as bigint) as internal_migrants,
        cast(interregional_migrants as bigint) as interregional_migrants,
        cast(intraregional_migrants as bigint) as intraregional_migrants
    from country_flows_monthly

)

select * from final
