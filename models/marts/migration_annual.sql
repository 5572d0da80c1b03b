with

migration_monthly as (

    select * from {{ ref('migration_monthly') }}

),

intensity_populations as (

    select * from {{ ref('int_intensity_populations_chosen') }}
    where intensity_table_code = 'country_annual'

),

-- a year of the table is the sum of its months, as its source evaluation counted them
sourced_years as (

    select
        release_id,
        year,
        source_release_id,
        count(*) as months_covered,
        sum(arrivals) as arrivals,
        sum(departures) as departures,
        sum(cis_arrivals) as cis_arrivals,
        sum(cis_departures) as cis_departures
    from migration_monthly
    group by
        release_id,
        year,
        source_release_id

),

-- the change on the previous year's row of the same evaluation's table, when both cover
-- the same months (not for a year still in progress)
compared as (

    select
        sourced_years.release_id,
        sourced_years.year,
        sourced_years.source_release_id,
        sourced_years.months_covered,
        sourced_years.arrivals,
        sourced_years.departures,
        sourced_years.cis_arrivals,
        sourced_years.cis_departures,
        {{ change_pct('sourced_years.arrivals', 'previous_year.arrivals') }}
            as arrivals_change_pct,
        {{ change_pct('sourced_years.departures', 'previous_year.departures') }}
            as departures_change_pct
    from sourced_years
    left join sourced_years as previous_year
        on
            sourced_years.release_id = previous_year.release_id
            and sourced_years.year - 1 = previous_year.year
            and sourced_years.months_covered = previous_year.months_covered

),

with_population as (

    select
        compared.release_id,
        compared.year,
        compared.source_release_id,
        compared.months_covered,
        compared.arrivals,
        compared.departures,
        compared.cis_arrivals,
        compared.cis_departures,
        compared.arrivals_change_pct,
        compared.departures_change_pct,
        intensity_populations.population,
        coalesce(intensity_populations.population_basis_code, 'not_available')
            as population_basis_code,
        intensity_populations.population_start_date,
        intensity_populations.population_end_date
    from compared
    left join intensity_populations
        on
            compared.year = intensity_populations.population_year
            and intensity_populations.territory_code = 'KZ'

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(year as integer) as year,
        cast(source_release_id as varchar) as source_release_id,
        cast(months_covered as integer) as months_covered,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast(cis_arrivals as bigint) as cis_arrivals,
        cast(cis_departures as bigint) as cis_departures,
        cast({{ share_pct('cis_arrivals', 'arrivals') }} as double precision)
            as cis_arrivals_share_pct,
        cast({{ share_pct('cis_departures', 'departures') }} as double precision)
            as cis_departures_share_pct,
        cast(arrivals_change_pct as double precision) as arrivals_change_pct,
        cast(departures_change_pct as double precision) as departures_change_pct,
        cast(population as double precision) as population,
        cast(population_basis_code as varchar) as population_basis_code,
        cast(population_start_date as date) as population_start_date,
        cast(population_end_date as date) as population_end_date,
        {{ per_thousand_columns() }}
    from with_population

)

select * from final
