-- On every date for which all regions in force have a population figure, the regions
-- add up to the figure of the republic.
with population as (
    select * from {{ ref('population') }}
),

regions as (
    select * from {{ ref('regions') }}
),

regions_in_force as (
    select
        population.population_date,
        count(*) as regions_in_force
    from (select distinct population_date from population) as population
    inner join regions
        on
            (regions.valid_from_date is null or regions.valid_from_date <= population.population_date)
            and (regions.valid_to_date is null or regions.valid_to_date >= population.population_date)
    group by population.population_date
),

regional_totals as (
    select
        population_date,
        count(*) as regions_with_figure,
        sum(population) as regional_population
    from population
    where territory_code <> 'KZ'
    group by population_date
),

republic as (
    select
        population_date,
        population as republic_population
    from population
    where territory_code = 'KZ'
),

final as (
    select
        republic.population_date,
        republic.republic_population,
        regional_totals.regional_population
    from republic
    inner join regional_totals
        on republic.population_date = regional_totals.population_date
    inner join regions_in_force
        on republic.population_date = regions_in_force.population_date
    where
        regional_totals.regions_with_figure = regions_in_force.regions_in_force
        and regional_totals.regional_population <> republic.republic_population
)

select * from final
