with

releases as (

    select * from {{ ref('dim_release') }}

),

annual as (

    select * from {{ ref('migration_annual') }}

),

labels as (

    select * from {{ ref('int_release_labels_translated') }}

),

-- the complete years the release shows (release_dynamics): its own year only when its
-- period is the whole year
release_years as (

    select annual.*
    from annual
    inner join releases
        on annual.release_id = releases.release_id
    where {{ is_shown_in_release_period('releases', 'annual.year') }}

),

final as (

    select
        cast(release_years.release_id as varchar) as release_id,
        cast(row_number() over (
            partition by release_years.release_id order by release_years.year
        ) as integer) as row_order,
        cast('item' as varchar) as row_level,
        cast(release_years.year as integer) as year,
        cast(release_years.arrivals as bigint) as arrivals,
        cast(release_years.departures as bigint) as departures,
        cast(release_years.net_migration as bigint) as net_migration,
        cast(release_years.cis_arrivals_share_pct as double precision) as cis_arrivals_share_pct,
        cast(release_years.cis_departures_share_pct as double precision)
            as cis_departures_share_pct,
        cast(release_years.arrivals_change_pct as double precision) as arrivals_change_pct,
        cast(release_years.departures_change_pct as double precision) as departures_change_pct,
        cast(release_years.change_base_release_id as varchar) as change_base_release_id,
        cast(release_years.external_arrivals_per_1000_average_population as double precision)
            as external_arrivals_per_1000_average_population,
        cast(release_years.external_departures_per_1000_average_population as double precision)
            as external_departures_per_1000_average_population,
        cast(release_years.external_net_migration_per_1000_average_population as double precision)
            as external_net_migration_per_1000_average_population,
        cast(release_years.population as double precision) as population,
        cast(release_years.population_basis_code as varchar) as population_basis_code,
        cast(bases.label_en as varchar) as population_basis_name_en,
        cast(bases.label_ru as varchar) as population_basis_name_ru,
        cast(bases.label_kk as varchar) as population_basis_name_kk,
        cast(release_years.population_start_date as date) as population_start_date,
        cast(release_years.population_end_date as date) as population_end_date,
        cast(release_years.source_release_id as varchar) as source_release_id
    from release_years
    left join labels as bases
        on bases.label_code = 'population_basis.' || release_years.population_basis_code

)

select * from final
