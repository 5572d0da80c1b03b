with

migration_by_region_monthly as (

    select * from {{ ref('migration_by_region_monthly') }}

),

regions as (

    select * from {{ ref('regions') }}

),

region_name_history as (

    select * from {{ ref('region_name_history') }}

),

intensity_populations as (

    select * from {{ ref('int_intensity_populations_chosen') }}
    where intensity_table_code = 'region_annual'

),

-- the months of each year of the table: how many, and the last
year_months as (

    select
        release_id,
        year,
        count(distinct month) as months_covered,
        max(month) as last_month
    from migration_by_region_monthly
    group by
        release_id,
        year

),

-- a year of the region table is the sum of its months, as its source evaluation counted them
region_years as (

    select
        release_id,
        year,
        region_code,
        source_release_id,
        sum(arrivals) as arrivals,
        sum(departures) as departures,
        sum(net_migration) as net_migration,
        sum(external_arrivals) as external_arrivals,
        sum(external_departures) as external_departures,
        sum(external_net_migration) as external_net_migration,
        sum(interregional_arrivals) as interregional_arrivals,
        sum(interregional_departures) as interregional_departures,
        sum(interregional_net) as interregional_net,
        sum(intraregional_moves) as intraregional_moves
    from migration_by_region_monthly
    group by
        release_id,
        year,
        region_code,
        source_release_id

),

sourced_years as (

    select
        region_years.*,
        year_months.months_covered,
        cast(
            {{ dbt.last_day('make_date(year_months.year, year_months.last_month, 1)', 'month') }}
            as date
        ) as covered_end_date
    from region_years
    inner join year_months
        on
            region_years.release_id = year_months.release_id
            and region_years.year = year_months.year

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
        intensity_populations.population,
        coalesce(intensity_populations.population_basis_code, 'not_available')
            as population_basis_code,
        intensity_populations.population_start_date,
        intensity_populations.population_end_date
    from ranked
    left join intensity_populations
        on
            ranked.year = intensity_populations.population_year
            and ranked.region_code = intensity_populations.territory_code

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
        cast(external_net_migration as bigint) as external_net_migration,
        cast(interregional_arrivals as bigint) as interregional_arrivals,
        cast(interregional_departures as bigint) as interregional_departures,
        cast(interregional_net as bigint) as interregional_net,
        cast(intraregional_moves as bigint) as intraregional_moves,
        cast(external_arrivals_rank as integer) as external_arrivals_rank,
        cast(interregional_net_rank as integer) as interregional_net_rank,
        cast(population as double precision) as population,
        cast(population_basis_code as varchar) as population_basis_code,
        cast(population_start_date as date) as population_start_date,
        cast(population_end_date as date) as population_end_date,
        {{ per_thousand_columns() }}
    from with_population

)

select * from final
