-- The release's table of migration intensity per 1,000 population: the region table of a
-- year with the republic's row above the regions. The regions' rows are those of
-- migration_by_region_annual (computed there); the republic's row is computed here, its
-- flows the sums of the regions' rows, its population on the same basis as the regions'
-- (or, when the regions have no rate, on the republic's own, see population_basis_rule).
with

migration_by_region_annual as (

    select * from {{ ref('migration_by_region_annual') }}

),

intensity_populations as (

    select * from {{ ref('int_intensity_populations_chosen') }}
    where
        intensity_table_code = 'region_annual'
        and territory_code = 'KZ'

),

-- the republic's flows as the region table counts them: the sums of its regions' rows,
-- its arrivals and departures the external ones (territory_flow_sum, doc block arrivals)
republic_years as (

    select
        migration_by_region_annual.release_id,
        migration_by_region_annual.year,
        migration_by_region_annual.source_release_id,
        migration_by_region_annual.months_covered,
        {{ territory_flow_sum('migration_by_region_annual', 'arrivals', 'true') }} as arrivals,
        {{ territory_flow_sum('migration_by_region_annual', 'departures', 'true') }}
            as departures
    from migration_by_region_annual
    group by
        migration_by_region_annual.release_id,
        migration_by_region_annual.year,
        migration_by_region_annual.source_release_id,
        migration_by_region_annual.months_covered

),

republic_rows as (

    select
        republic_years.release_id,
        republic_years.year,
        'KZ' as territory_code,
        republic_years.source_release_id,
        republic_years.months_covered,
        republic_years.arrivals,
        republic_years.departures,
        intensity_populations.population,
        coalesce(intensity_populations.population_basis_code, 'not_available')
            as population_basis_code,
        intensity_populations.population_start_date,
        intensity_populations.population_end_date
    from republic_years
    left join intensity_populations
        on republic_years.year = intensity_populations.population_year

),

republic_rates as (

    select
        release_id,
        year,
        territory_code,
        source_release_id,
        months_covered,
        arrivals,
        departures,
        arrivals - departures as net_migration,
        population,
        population_basis_code,
        population_start_date,
        population_end_date,
        {{ per_thousand_columns() }}
    from republic_rows

),

region_rates as (

    select
        release_id,
        year,
        region_code as territory_code,
        source_release_id,
        months_covered,
        arrivals,
        departures,
        net_migration,
        population,
        population_basis_code,
        population_start_date,
        population_end_date,
        arrivals_per_1000_basis_population,
        departures_per_1000_basis_population,
        net_migration_per_1000_basis_population
    from migration_by_region_annual

),

territory_rates as (

    select * from republic_rates
    union all
    select * from region_rates

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(year as integer) as year,
        cast(territory_code as varchar) as territory_code,
        cast(source_release_id as varchar) as source_release_id,
        cast(months_covered as integer) as months_covered,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(net_migration as bigint) as net_migration,
        cast(population as double precision) as population,
        cast(population_basis_code as varchar) as population_basis_code,
        cast(population_start_date as date) as population_start_date,
        cast(population_end_date as date) as population_end_date,
        cast(arrivals_per_1000_basis_population as double precision)
            as arrivals_per_1000_basis_population,
        cast(departures_per_1000_basis_population as double precision)
            as departures_per_1000_basis_population,
        cast(net_migration_per_1000_basis_population as double precision)
            as net_migration_per_1000_basis_population
    from territory_rates

)

select * from final
