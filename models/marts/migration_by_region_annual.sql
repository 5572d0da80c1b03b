with

evaluation_years as (

    select * from {{ ref('int_evaluation_years_sourced') }}

),

region_flows_cumulated as (

    select * from {{ ref('int_region_flows_cumulated') }}

),

regions as (

    select * from {{ ref('regions') }}

),

region_name_history as (

    select * from {{ ref('region_name_history') }}

),

annual_populations as (

    select * from {{ ref('int_annual_populations_averaged') }}

),

-- each year takes the year-to-date region table of its source evaluation
sourced_years as (

    select
        evaluation_years.release_id,
        evaluation_years.year,
        region_flows_cumulated.region_code,
        evaluation_years.source_release_id,
        region_flows_cumulated.period_end_month as months_covered,
        cast(
            {{ dbt.last_day(
                'make_date(evaluation_years.year, region_flows_cumulated.period_end_month, 1)',
                'month'
            ) }} as date
        ) as covered_end_date,
        region_flows_cumulated.arrivals,
        region_flows_cumulated.departures,
        region_flows_cumulated.net_migration,
        region_flows_cumulated.external_arrivals,
        region_flows_cumulated.external_departures,
        region_flows_cumulated.external_net,
        region_flows_cumulated.interregional_arrivals,
        region_flows_cumulated.interregional_departures,
        region_flows_cumulated.interregional_net,
        region_flows_cumulated.intraregional_moves
    from evaluation_years
    inner join region_flows_cumulated
        on
            evaluation_years.source_release_id = region_flows_cumulated.release_id
            and evaluation_years.year = region_flows_cumulated.period_year
    where region_flows_cumulated.is_year_end_period

),

-- the region's names in force at the end of the months covered, as a release shows them
named as (

    select
        sourced_years.*,
        coalesce(region_name_history.region_name_en, regions.region_name_en) as region_name_en,
        coalesce(region_name_history.region_name_ru, regions.region_name_ru) as region_name_ru,
        coalesce(region_name_history.region_name_kk, regions.region_name_kk) as region_name_kk
    from sourced_years
    inner join regions
        on sourced_years.region_code = regions.region_code
    left join region_name_history
        on
            sourced_years.region_code = region_name_history.region_code
            and {{ is_valid_on('region_name_history', 'sourced_years.covered_end_date') }}

),

ranked as (

    select
        named.*,
        rank() over (
            partition by named.release_id, named.year
            order by named.external_arrivals desc
        ) as external_arrivals_rank,
        rank() over (
            partition by named.release_id, named.year
            order by named.interregional_net desc
        ) as interregional_net_rank
    from named

),

with_population as (

    select
        ranked.*,
        annual_populations.average_population as population,
        coalesce(annual_populations.population_basis_code, 'not_available')
            as population_basis_code
    from ranked
    left join annual_populations
        on
            ranked.year = annual_populations.population_year
            and ranked.region_code = annual_populations.territory_code

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(year as integer) as year,
        cast(region_code as varchar) as region_code,
        cast(source_release_id as varchar) as source_release_id,
        cast(months_covered as integer) as months_covered,
        cast(region_name_en as varchar) as region_name_en,
        cast(region_name_ru as varchar) as region_name_ru,
        cast(region_name_kk as varchar) as region_name_kk,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(net_migration as bigint) as net_migration,
        cast(external_arrivals as bigint) as external_arrivals,
        cast(external_departures as bigint) as external_departures,
        cast(external_net as bigint) as external_net,
        cast(interregional_arrivals as bigint) as interregional_arrivals,
        cast(interregional_departures as bigint) as interregional_departures,
        cast(interregional_net as bigint) as interregional_net,
        cast(intraregional_moves as bigint) as intraregional_moves,
        cast(external_arrivals_rank as integer) as external_arrivals_rank,
        cast(interregional_net_rank as integer) as interregional_net_rank,
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
