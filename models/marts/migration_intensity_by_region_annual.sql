with

region_flows_monthly as (

    select * from {{ ref('int_region_flows_split_monthly') }}

),

annual_populations as (

    select * from {{ ref('int_annual_populations_averaged') }}

),

annual_sums as (

    select
        registration_year,
        region_code,
        count(*) as months_covered,
        sum(arrivals) as arrivals,
        sum(departures) as departures,
        sum(net_migration) as net_migration
    from region_flows_monthly
    group by
        registration_year,
        region_code

),

with_population as (

    select
        annual_sums.registration_year,
        annual_sums.region_code,
        annual_sums.months_covered,
        annual_sums.arrivals,
        annual_sums.departures,
        annual_sums.net_migration,
        annual_populations.average_population as population,
        coalesce(annual_populations.population_basis_code, 'not_available')
            as population_basis_code
    from annual_sums
    left join annual_populations
        on
            annual_sums.registration_year = annual_populations.population_year
            and annual_sums.region_code = annual_populations.territory_code

),

final as (

    select
        cast(registration_year as integer) as year,
        cast(region_code as varchar) as region_code,
        cast(months_covered as integer) as months_covered,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(net_migration as bigint) as net_migration,
        cast(population as double precision) as population,
        cast(population_basis_code as varchar) as population_basis_code,
        cast({{ per_thousand('arrivals', 'population') }} as double precision)
            as arrivals_per_1000,
        cast({{ per_thousand('departures', 'population') }} as double precision)
            as departures_per_1000,
        cast({{ per_thousand('net_migration', 'population') }} as double precision)
            as net_migration_per_1000
    from with_population

)

select * from final
