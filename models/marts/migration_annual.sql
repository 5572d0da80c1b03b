with

migration_monthly as (

    select * from {{ ref('migration_monthly') }}

),

key_figures as (

    select * from {{ ref('migration_key_figures_cumulative') }}

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

-- the change on the same period of the previous year, one rule (same_vintage_comparison):
-- a year's figures are compared as the release they come from compares them, with the
-- same period of the previous year at the same vintage (migration_key_figures_cumulative,
-- the release's key figures); where that release has no such comparison (no release of
-- the previous year at its vintage), with the previous year's row of this table when both
-- cover the same months. change_base_release_id names the release compared with.
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
        case
            when same_vintage.comparison_release_id is not null
                then same_vintage.arrivals_change_pct
            else {{ change_pct('sourced_years.arrivals', 'previous_year.arrivals') }}
        end as arrivals_change_pct,
        case
            when same_vintage.comparison_release_id is not null
                then same_vintage.departures_change_pct
            else {{ change_pct('sourced_years.departures', 'previous_year.departures') }}
        end as departures_change_pct,
        coalesce(same_vintage.comparison_release_id, previous_year.source_release_id)
            as change_base_release_id
    from sourced_years
    left join key_figures as same_vintage
        on
            sourced_years.source_release_id = same_vintage.release_id
            and sourced_years.year = same_vintage.period_year
            and sourced_years.months_covered = same_vintage.period_end_month
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
        compared.change_base_release_id,
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
        cast(case
            when arrivals_change_pct is not null or departures_change_pct is not null
                then change_base_release_id
        end as varchar) as change_base_release_id,
        cast(population as double precision) as population,
        cast(population_basis_code as varchar) as population_basis_code,
        cast(population_start_date as date) as population_start_date,
        cast(population_end_date as date) as population_end_date,
        {{ per_thousand_columns(names=[
            'external_arrivals_per_1000_average_population',
            'external_departures_per_1000_average_population',
            'external_net_migration_per_1000_average_population',
        ]) }}
    from with_population

)

select * from final
