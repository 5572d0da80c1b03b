-- The population each table's migration intensity is computed on, chosen once per table
-- and year so that one table never mixes bases (the doc block population_basis_rule):
--   - country_annual (marts.migration_annual, the republic's dynamic table by year): the
--     average annual population of the republic, for every year whose 1 January and next
--     1 January are both known; no rate otherwise (not the 1 July estimate: one series,
--     one estimate of the average annual population);
--   - region_annual (the region table of a year: marts.migration_by_region_annual and the
--     republic's row of marts.migration_intensity_annual): the average annual population
--     when the republic and every region in force during the year have it, else the
--     mid-year (1 July) population when they all have it, else 1 January of the year when
--     they all have it; else the republic alone, on the first of the three it has, and no
--     regional rate.
with

annual_populations as (

    select * from {{ ref('int_annual_populations_averaged') }}

),

regions as (

    select * from {{ ref('regions') }}

),

-- the years with a population figure, with their first and last day
years as (

    select distinct
        population_year,
        cast(make_date(population_year, 1, 1) as date) as first_day_of_year_date,
        cast(make_date(population_year, 12, 31) as date) as last_day_of_year_date
    from annual_populations

),

-- the territories of the region table of a year: the republic and every region in force
-- on at least one day of the year
region_table_territories as (

    select
        years.population_year,
        regions.region_code as territory_code
    from years
    inner join regions
        on {{
            region_in_force_between(
                'regions', 'years.first_day_of_year_date', 'years.last_day_of_year_date'
            )
        }}

    union all

    select
        population_year,
        'KZ' as territory_code
    from years

),

region_table_populations as (

    select
        region_table_territories.population_year,
        region_table_territories.territory_code,
        annual_populations.start_of_year_date,
        annual_populations.end_of_year_date,
        annual_populations.start_of_year_population,
        annual_populations.average_population,
        annual_populations.mid_year_date,
        annual_populations.mid_year_population
    from region_table_territories
    left join annual_populations
        on
            region_table_territories.population_year = annual_populations.population_year
            and region_table_territories.territory_code = annual_populations.territory_code

),

-- the one basis every territory of the year's region table has, if any
region_table_bases as (

    select
        population_year,
        case
            when count(*) = count(average_population) then 'average_annual'
            when count(*) = count(mid_year_population) then 'mid_year'
            when count(*) = count(start_of_year_population) then 'start_of_year'
        end as shared_basis_code
    from region_table_populations
    group by population_year

),

region_table_chosen as (

    select
        'region_annual' as intensity_table_code,
        region_table_populations.population_year,
        region_table_populations.territory_code,
        region_table_populations.start_of_year_date,
        region_table_populations.end_of_year_date,
        region_table_populations.start_of_year_population,
        region_table_populations.average_population,
        region_table_populations.mid_year_date,
        region_table_populations.mid_year_population,
        coalesce(
            region_table_bases.shared_basis_code,
            case
                when region_table_populations.average_population is not null then 'average_annual'
                when region_table_populations.mid_year_population is not null then 'mid_year'
                else 'start_of_year'
            end
        ) as population_basis_code
    from region_table_populations
    inner join region_table_bases
        on region_table_populations.population_year = region_table_bases.population_year
    where
        region_table_bases.shared_basis_code is not null
        or (
            region_table_populations.territory_code = 'KZ'
            and (
                region_table_populations.start_of_year_population is not null
                or region_table_populations.mid_year_population is not null
            )
        )

),

country_table_chosen as (

    select
        'country_annual' as intensity_table_code,
        population_year,
        territory_code,
        start_of_year_date,
        end_of_year_date,
        start_of_year_population,
        average_population,
        mid_year_date,
        mid_year_population,
        'average_annual' as population_basis_code
    from annual_populations
    where
        territory_code = 'KZ'
        and average_population is not null

),

chosen as (

    select * from region_table_chosen
    union all
    select * from country_table_chosen

),

final as (

    select
        cast(intensity_table_code as varchar) as intensity_table_code,
        cast(population_year as integer) as population_year,
        cast(territory_code as varchar) as territory_code,
        cast(population_basis_code as varchar) as population_basis_code,
        cast(
            case
                when population_basis_code = 'mid_year' then mid_year_date
                else start_of_year_date
            end
            as date
        ) as population_start_date,
        cast(
            case when population_basis_code = 'average_annual' then end_of_year_date end
            as date
        ) as population_end_date,
        cast(
            case
                when population_basis_code = 'average_annual' then average_population
                when population_basis_code = 'mid_year' then mid_year_population
                else start_of_year_population
            end
            as double precision
        ) as population
    from chosen

)

select * from final
