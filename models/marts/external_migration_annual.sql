with

country_flows_monthly as (

    select * from {{ ref('int_country_flows_summed_monthly') }}

),

annual_populations as (

    select * from {{ ref('int_annual_populations_averaged') }}

),

annual_sums as (

    select
        registration_year,
        count(*) as months_covered,
        sum(arrivals) as arrivals,
        sum(departures) as departures,
        sum(cis_arrivals) as cis_arrivals,
        sum(cis_departures) as cis_departures
    from country_flows_monthly
    group by registration_year

),

compared as (

    select
        annual_sums.registration_year,
        annual_sums.months_covered,
        annual_sums.arrivals,
        annual_sums.departures,
        annual_sums.cis_arrivals,
        annual_sums.cis_departures,
        {{ change_pct('annual_sums.arrivals', 'previous_year.arrivals') }} as arrivals_change_pct,
        {{ change_pct('annual_sums.departures', 'previous_year.departures') }}
            as departures_change_pct
    from annual_sums
    left join annual_sums as previous_year
        on annual_sums.registration_year - 1 = previous_year.registration_year

),

with_population as (

    select
        compared.registration_year,
        compared.months_covered,
        compared.arrivals,
        compared.departures,
        compared.cis_arrivals,
        compared.cis_departures,
        compared.arrivals_change_pct,
        compared.departures_change_pct,
        annual_populations.average_population as population,
        coalesce(annual_populations.population_basis_code, 'not_available')
            as population_basis_code
    from compared
    left join annual_populations
        on
            compared.registration_year = annual_populations.population_year
            and annual_populations.territory_code = 'KZ'

),

final as (

    select
        cast(registration_year as integer) as year,
        cast(months_covered as integer) as months_covered,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast(cis_arrivals as bigint) as cis_arrivals,
        cast(cis_departures as bigint) as cis_departures,
        cast({{ share_pct('cis_arrivals', 'arrivals') }} as double precision)
            as cis_arrivals_share_pct,
        cast({{ share_pct('cis_departures', 'departures') }} as double precision)
            as cis_departures_share_pct,
        cast(arrivals_change_pct as double precision) as arrivals_change_pct,
        cast(departures_change_pct as double precision) as departures_change_pct,
        cast(population as double precision) as population,
        cast(population_basis_code as varchar) as population_basis_code,
        cast({{ per_thousand('arrivals', 'population') }} as double precision)
            as arrivals_per_1000,
        cast({{ per_thousand('departures', 'population') }} as double precision)
            as departures_per_1000,
        cast({{ per_thousand('arrivals - departures', 'population') }} as double precision)
            as net_migration_per_1000
    from with_population

)

select * from final
