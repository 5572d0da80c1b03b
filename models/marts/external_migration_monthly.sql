with

country_flows_monthly as (

    select * from {{ ref('int_country_flows_summed_monthly') }}

),

final as (

    select
        cast(registration_year as integer) as year,
        cast(registration_month as integer) as month,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast(cis_arrivals as bigint) as cis_arrivals,
        cast(cis_departures as bigint) as cis_departures,
        cast({{ share_pct('cis_arrivals', 'arrivals') }} as double precision)
            as cis_arrivals_share_pct,
        cast({{ share_pct('cis_departures', 'departures') }} as double precision)
            as cis_departures_share_pct
    from country_flows_monthly

)

select * from final
