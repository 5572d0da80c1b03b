-- The dynamic tables by year: every evaluation that is a release has the row of its own
-- year (as many months as its period), and every earlier year's rows equal the rows the
-- source release shows for that year as its own — national, by region and by country.
-- One row per difference.
with

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

),

annual as (

    select * from {{ ref('migration_annual') }}

),

annual_by_region as (

    select * from {{ ref('migration_by_region_annual') }}

),

annual_by_country as (

    select * from {{ ref('external_migration_by_country_annual') }}

),

own_year_differences as (

    select
        'own year missing' as difference,
        evaluations.release_id,
        evaluations.period_year as year,
        cast(null as varchar) as dimension_code
    from evaluations
    left join annual
        on
            evaluations.release_id = annual.release_id
            and evaluations.period_year = annual.year
    where
        evaluations.vintage != 'latest'
        and (
            annual.release_id is null
            or annual.source_release_id <> evaluations.release_id
            or annual.months_covered <> evaluations.period_end_month
        )

),

national_differences as (

    select
        'national' as difference,
        annual.release_id,
        annual.year,
        annual.source_release_id as dimension_code
    from annual
    left join annual as source_rows
        on
            annual.source_release_id = source_rows.release_id
            and annual.year = source_rows.year
            and source_rows.source_release_id = source_rows.release_id
    where
        source_rows.release_id is null
        or annual.months_covered <> source_rows.months_covered
        or annual.arrivals <> source_rows.arrivals
        or annual.departures <> source_rows.departures
        or annual.cis_arrivals <> source_rows.cis_arrivals
        or annual.cis_departures <> source_rows.cis_departures

),

region_differences as (

    select
        'region' as difference,
        annual_by_region.release_id,
        annual_by_region.year,
        annual_by_region.region_code as dimension_code
    from annual_by_region
    left join annual_by_region as source_rows
        on
            annual_by_region.source_release_id = source_rows.release_id
            and annual_by_region.year = source_rows.year
            and annual_by_region.region_code = source_rows.region_code
            and source_rows.source_release_id = source_rows.release_id
    where
        source_rows.release_id is null
        or annual_by_region.arrivals <> source_rows.arrivals
        or annual_by_region.departures <> source_rows.departures
        or annual_by_region.external_net_migration <> source_rows.external_net_migration
        or annual_by_region.interregional_net <> source_rows.interregional_net

),

country_differences as (

    select
        'country' as difference,
        annual_by_country.release_id,
        annual_by_country.year,
        annual_by_country.country_code as dimension_code
    from annual_by_country
    left join annual_by_country as source_rows
        on
            annual_by_country.source_release_id = source_rows.release_id
            and annual_by_country.year = source_rows.year
            and annual_by_country.country_code = source_rows.country_code
            and source_rows.source_release_id = source_rows.release_id
    where
        source_rows.release_id is null
        or annual_by_country.arrivals <> source_rows.arrivals
        or annual_by_country.departures <> source_rows.departures

),

final as (

    select * from own_year_differences
    union all
    select * from national_differences
    union all
    select * from region_differences
    union all
    select * from country_differences

)

select * from final
