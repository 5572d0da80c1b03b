with

releases as (

    select * from {{ ref('dim_release') }}

),

regions_annual as (

    select * from {{ ref('migration_by_region_annual') }}

),

labels as (

    select * from {{ ref('int_release_labels_translated') }}

),

-- the release's own year (its own figures, January to the end of its period)
release_regions as (

    select regions_annual.*
    from regions_annual
    inner join releases
        on regions_annual.release_id = releases.release_id
    where
        regions_annual.source_release_id = regions_annual.release_id
        and regions_annual.year = releases.period_year

),

-- the republic is the sum of its regions (its arrivals and departures: their external
-- ones, territory_flow_sum): one grouping set more
rolled_up as (

    select
        release_regions.release_id,
        release_regions.region_code,
        grouping(release_regions.region_code) as is_total,
        {{ territory_flow_sum('release_regions', 'arrivals',
            'grouping(release_regions.region_code) = 1') }} as arrivals,
        {{ territory_flow_sum('release_regions', 'departures',
            'grouping(release_regions.region_code) = 1') }} as departures,
        sum(release_regions.net_migration) as net_migration,
        sum(release_regions.external_arrivals) as external_arrivals,
        sum(release_regions.external_departures) as external_departures,
        sum(release_regions.external_net_migration) as external_net_migration,
        sum(release_regions.interregional_arrivals) as interregional_arrivals,
        sum(release_regions.interregional_departures) as interregional_departures,
        sum(release_regions.interregional_net) as interregional_net,
        sum(release_regions.intraregional_moves) as intraregional_moves
    from release_regions
    group by
        release_regions.release_id,
        rollup(release_regions.region_code)

),

final as (

    select
        cast(rolled_up.release_id as varchar) as release_id,
        cast(row_number() over (
            partition by rolled_up.release_id
            order by rolled_up.is_total desc, rolled_up.region_code asc
        ) as integer) as row_order,
        cast(case when rolled_up.is_total = 1 then 'total' else 'item' end as varchar)
            as row_level,
        -- the republic's code is KZ, as in the marts
        cast(case when rolled_up.is_total = 1 then 'KZ' else rolled_up.region_code end as varchar)
            as region_code,
        cast(coalesce(release_regions.region_name_en, labels.label_en) as varchar)
            as region_name_en,
        cast(coalesce(release_regions.region_name_ru, labels.label_ru) as varchar)
            as region_name_ru,
        cast(coalesce(release_regions.region_name_kk, labels.label_kk) as varchar)
            as region_name_kk,
        cast(rolled_up.arrivals as bigint) as arrivals,
        cast(rolled_up.departures as bigint) as departures,
        cast(rolled_up.net_migration as bigint) as net_migration,
        cast(rolled_up.external_arrivals as bigint) as external_arrivals,
        cast(rolled_up.external_departures as bigint) as external_departures,
        cast(rolled_up.external_net_migration as bigint) as external_net_migration,
        cast(rolled_up.interregional_arrivals as bigint) as interregional_arrivals,
        cast(rolled_up.interregional_departures as bigint) as interregional_departures,
        cast(rolled_up.interregional_net as bigint) as interregional_net,
        cast(rolled_up.intraregional_moves as bigint) as intraregional_moves
    from rolled_up
    left join release_regions
        on
            rolled_up.release_id = release_regions.release_id
            and rolled_up.region_code = release_regions.region_code
    left join labels
        on rolled_up.is_total = 1 and labels.label_code = 'republic'

)

select * from final
