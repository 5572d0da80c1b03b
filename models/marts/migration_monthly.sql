with

evaluation_years as (

    select * from {{ ref('int_evaluation_years_sourced') }}

),

country_flows_monthly as (

    select * from {{ ref('int_country_flows_summed_monthly') }}

),

-- each year takes the months of its source evaluation, as that evaluation counted them
sourced_months as (

    select
        evaluation_years.release_id,
        country_flows_monthly.registration_year,
        country_flows_monthly.registration_month,
        evaluation_years.source_release_id,
        country_flows_monthly.arrivals,
        country_flows_monthly.departures,
        country_flows_monthly.cis_arrivals,
        country_flows_monthly.cis_departures,
        country_flows_monthly.interregional_migrants,
        country_flows_monthly.intraregional_migrants
    from evaluation_years
    inner join country_flows_monthly
        on
            evaluation_years.source_release_id = country_flows_monthly.release_id
            and evaluation_years.year = country_flows_monthly.registration_year

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
            as cis_departures_share_pct,
        cast(interregional_migrants + intraregional_migrants as bigint) as internal_migrants,
        cast(interregional_migrants as bigint) as interregional_migrants,
        cast(intraregional_migrants as bigint) as intraregional_migrants
    from sourced_months

)

select * from final
