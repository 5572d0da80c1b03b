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
        release_country_flows_monthly.arrivals,
        release_country_flows_monthly.departures,
        release_country_flows_monthly.cis_arrivals,
        release_country_flows_monthly.cis_departures
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
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast(cis_arrivals as bigint) as cis_arrivals,
        cast(cis_departures as bigint) as cis_departures,
        cast({{ share_pct('cis_arrivals', 'arrivals') }} as double precision)
            as cis_arrivals_share_pct,
        cast({{ share_pct('cis_departures', 'departures') }} as double precision)
            as cis_departures_share_pct
    from dynamic_months

)

select * from final
