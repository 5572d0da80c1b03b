-- The country's totals from January to each month an evaluation reports (the cumulative
-- periods BNS publishes: January–March, January–June …), for every evaluation.
{%- set flow_columns = [
    'arrivals', 'departures', 'cis_arrivals', 'cis_departures',
    'interregional_migrants', 'intraregional_migrants',
] %}

with

country_flows_monthly as (

    select * from {{ ref('int_country_flows_summed_monthly') }}

),

cumulated as (

    {{ cumulated_from_january('country_flows_monthly', [], flow_columns) }}

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(period_year as integer) as period_year,
        cast(period_end_month as integer) as period_end_month,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast(cis_arrivals as bigint) as cis_arrivals,
        cast(cis_departures as bigint) as cis_departures,
        cast(interregional_migrants as bigint) as interregional_migrants,
        cast(intraregional_migrants as bigint) as intraregional_migrants,
        cast(interregional_migrants + intraregional_migrants as bigint) as internal_migrants
    from cumulated

)

select * from final
