-- The republic's arrivals and departures are its external ones (doc block arrivals; macro
-- territory_flow_sum): in the dynamic tables of net migration by region, by year and by
-- month, the republic's row equals the sums of its regions' external arrivals and
-- departures in the marts the tables show (same release, year, month and source release).
-- One row per table row that differs.
with

annual_tables as (

    select * from {{ ref('release_net_migration_by_region_annual') }}
    where row_level = 'total'

),

monthly_tables as (

    select * from {{ ref('release_net_migration_by_region_monthly') }}
    where row_level = 'total'

),

annual_regions as (

    select
        release_id,
        year,
        source_release_id,
        sum(external_arrivals) as external_arrivals,
        sum(external_departures) as external_departures
    from {{ ref('migration_by_region_annual') }}
    group by release_id, year, source_release_id

),

monthly_regions as (

    select
        release_id,
        year,
        month,
        source_release_id,
        sum(external_arrivals) as external_arrivals,
        sum(external_departures) as external_departures
    from {{ ref('migration_by_region_monthly') }}
    group by release_id, year, month, source_release_id

),

annual_differences as (

    select
        'annual' as table_grain,
        annual_tables.release_id,
        annual_tables.year,
        cast(null as integer) as month
    from annual_tables
    left join annual_regions
        on
            annual_tables.release_id = annual_regions.release_id
            and annual_tables.year = annual_regions.year
            and annual_tables.source_release_id = annual_regions.source_release_id
    where
        annual_regions.release_id is null
        or annual_tables.arrivals != annual_regions.external_arrivals
        or annual_tables.departures != annual_regions.external_departures

),

monthly_differences as (

    select
        'monthly' as table_grain,
        monthly_tables.release_id,
        monthly_tables.year,
        monthly_tables.month
    from monthly_tables
    left join monthly_regions
        on
            monthly_tables.release_id = monthly_regions.release_id
            and monthly_tables.year = monthly_regions.year
            and monthly_tables.month = monthly_regions.month
            and monthly_tables.source_release_id = monthly_regions.source_release_id
    where
        monthly_regions.release_id is null
        or monthly_tables.arrivals != monthly_regions.external_arrivals
        or monthly_tables.departures != monthly_regions.external_departures

)

select * from annual_differences
union all
select * from monthly_differences
