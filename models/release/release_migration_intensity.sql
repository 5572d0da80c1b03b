with

releases as (

    select * from {{ ref('dim_release') }}

),

intensity as (

    select * from {{ ref('migration_intensity_annual') }}

),

region_names as (

    select by_region.*
    from {{ ref('migration_by_region_annual') }} as by_region
    inner join {{ ref('dim_release') }} as own_periods
        on
            by_region.release_id = own_periods.release_id
            and by_region.year = own_periods.period_year
    where by_region.source_release_id = by_region.release_id

),

labels as (

    select * from {{ ref('int_release_labels_translated') }}

),

-- the release's own year; the republic's row is the mart's own (its rates are not a sum
-- of the regions' rates), so this table has no computed total
release_intensity as (

    select intensity.*
    from intensity
    inner join releases
        on intensity.release_id = releases.release_id
    where
        intensity.source_release_id = intensity.release_id
        and intensity.year = releases.period_year

),

final as (

    select
        cast(release_intensity.release_id as varchar) as release_id,
        cast(row_number() over (
            partition by release_intensity.release_id
            order by
                case when release_intensity.territory_code = 'KZ' then 0 else 1 end,
                release_intensity.territory_code
        ) as integer) as row_order,
        cast(
            case when release_intensity.territory_code = 'KZ' then 'total' else 'item' end
            as varchar
        ) as row_level,
        cast(release_intensity.territory_code as varchar) as territory_code,
        cast(coalesce(region_names.region_name_en, republic.label_en) as varchar)
            as territory_name_en,
        cast(coalesce(region_names.region_name_ru, republic.label_ru) as varchar)
            as territory_name_ru,
        cast(coalesce(region_names.region_name_kk, republic.label_kk) as varchar)
            as territory_name_kk,
        cast(release_intensity.arrivals_per_1000_basis_population as double precision)
            as arrivals_per_1000_basis_population,
        cast(release_intensity.departures_per_1000_basis_population as double precision)
            as departures_per_1000_basis_population,
        cast(release_intensity.net_migration_per_1000_basis_population as double precision)
            as net_migration_per_1000_basis_population,
        cast(release_intensity.population as double precision) as population,
        cast(release_intensity.population_basis_code as varchar) as population_basis_code,
        cast(bases.label_en as varchar) as population_basis_name_en,
        cast(bases.label_ru as varchar) as population_basis_name_ru,
        cast(bases.label_kk as varchar) as population_basis_name_kk,
        cast(release_intensity.population_start_date as date) as population_start_date,
        cast(release_intensity.population_end_date as date) as population_end_date
    from release_intensity
    left join region_names
        on
            release_intensity.release_id = region_names.release_id
            and release_intensity.territory_code = region_names.region_code
    left join labels as republic
        on release_intensity.territory_code = 'KZ' and republic.label_code = 'republic'
    left join labels as bases
        on bases.label_code = 'population_basis.' || release_intensity.population_basis_code

)

select * from final
