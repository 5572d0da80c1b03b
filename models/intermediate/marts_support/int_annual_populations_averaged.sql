-- The population figures known for a year, per territory (a region, or KZ for the
-- republic): 1 January of the year, 1 January of the next year when known, their mean
-- (the average annual population) when both are known, and 1 July of the year (the
-- mid-year estimate of the average annual population) when known. Years with neither a
-- 1 January nor a 1 July figure have no row. Which of them a table's intensity uses is
-- chosen in int_intensity_populations_chosen, once per table and year.
with

population as (

    select * from {{ ref('population') }}

),

dated as (

    select
        territory_code,
        population_date,
        population,
        cast(extract(year from population_date) as integer) as population_year,
        cast(extract(month from population_date) as integer) as population_month,
        cast(extract(day from population_date) as integer) as population_day
    from population

),

start_of_year as (

    select
        territory_code,
        population_year,
        population_date,
        population
    from dated
    where population_month = 1 and population_day = 1

),

mid_year as (

    select
        territory_code,
        population_year,
        population_date,
        population
    from dated
    where population_month = 7 and population_day = 1

),

territory_years as (

    select
        territory_code,
        population_year
    from start_of_year

    union

    select
        territory_code,
        population_year
    from mid_year

),

averaged as (

    select
        territory_years.territory_code,
        territory_years.population_year,
        start_of_year.population_date as start_of_year_date,
        next_year.population_date as end_of_year_date,
        start_of_year.population as start_of_year_population,
        next_year.population as end_of_year_population,
        (start_of_year.population + next_year.population) / 2.0 as average_population,
        mid_year.population_date as mid_year_date,
        mid_year.population as mid_year_population
    from territory_years
    left join start_of_year
        on
            territory_years.territory_code = start_of_year.territory_code
            and territory_years.population_year = start_of_year.population_year
    -- the next 1 January only beside this one: it ends the year that 1 January starts
    left join start_of_year as next_year
        on
            start_of_year.territory_code = next_year.territory_code
            and start_of_year.population_year + 1 = next_year.population_year
    left join mid_year
        on
            territory_years.territory_code = mid_year.territory_code
            and territory_years.population_year = mid_year.population_year

),

final as (

    select
        cast(territory_code as varchar) as territory_code,
        cast(population_year as integer) as population_year,
        cast(start_of_year_date as date) as start_of_year_date,
        cast(end_of_year_date as date) as end_of_year_date,
        cast(start_of_year_population as bigint) as start_of_year_population,
        cast(end_of_year_population as bigint) as end_of_year_population,
        cast(average_population as double precision) as average_population,
        cast(mid_year_date as date) as mid_year_date,
        cast(mid_year_population as bigint) as mid_year_population
    from averaged

)

select * from final
