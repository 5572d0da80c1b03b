-- The population on which a year's migration intensity is computed, per territory (a
-- region, or KZ for the republic): the average of 1 January of the year and 1 January of
-- the next year where both are known, else 1 January of the year; years without a
-- 1 January figure have no row.
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
        start_of_year.population as start_of_year_population,
        next_year.population as end_of_year_population,
        case
            when next_year.population is not null
                then (start_of_year.population + next_year.population) / 2.0
            else start_of_year.population
        end as average_population,
        case
            when next_year.population is not null then 'average_annual'
            else 'start_of_year'
        end as population_basis_code
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
        cast(start_of_year_population as bigint) as start_of_year_population,
        cast(end_of_year_population as bigint) as end_of_year_population,
        cast(average_population as double precision) as average_population,
        cast(population_basis_code as varchar) as population_basis_code
    from averaged

)

select * from final
