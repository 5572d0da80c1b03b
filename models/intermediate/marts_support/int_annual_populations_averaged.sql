-- The population figures known for a year, per territory (a region, or KZ for the
-- republic): 1 January of the year, 1 January of the next year when known, and their mean
-- (the average annual population) when both are known. Years without a 1 January figure
-- have no row. Which of them a table's intensity uses is chosen in
-- int_intensity_populations_chosen, once per table and year.
with

population as (

    select * from {{ ref('population') }}

),

start_of_year as (

    select
        territory_code,
        cast({{ dbt.date_trunc('year', 'population_date') }} as date) as year_start_date,
        population
    from population
    where population_date = cast({{ dbt.date_trunc('year', 'population_date') }} as date)

),

averaged as (

    select
        start_of_year.territory_code,
        start_of_year.year_start_date,
        next_year.year_start_date as next_year_start_date,
        start_of_year.population as start_of_year_population,
        next_year.population as end_of_year_population,
        (start_of_year.population + next_year.population) / 2.0 as average_population
    from start_of_year
    left join start_of_year as next_year
        on
            start_of_year.territory_code = next_year.territory_code
            and next_year.year_start_date
            = cast({{ dbt.dateadd('year', 1, 'start_of_year.year_start_date') }} as date)

),

final as (

    select
        cast(territory_code as varchar) as territory_code,
        cast(extract(year from year_start_date) as integer) as population_year,
        cast(year_start_date as date) as start_of_year_date,
        cast(next_year_start_date as date) as end_of_year_date,
        cast(start_of_year_population as bigint) as start_of_year_population,
        cast(end_of_year_population as bigint) as end_of_year_population,
        cast(average_population as double precision) as average_population
    from averaged

)

select * from final
