with

releases as (

    select * from {{ ref('dim_release') }}

),

flows as (

    select * from {{ ref('interregional_flows_annual') }}

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
    where label_code = 'total'

),

-- the release's own year
release_flows as (

    select flows.*
    from flows
    inner join releases
        on
            flows.release_id = releases.release_id
            and flows.year = releases.period_year

),

-- the matrix with its margins: each origin's total (its interregional departures), each
-- destination's total (its interregional arrivals), and the grand total
rolled_up as (

    select
        release_flows.release_id,
        release_flows.origin_region_code,
        release_flows.destination_region_code,
        grouping(release_flows.origin_region_code) as is_origin_total,
        grouping(release_flows.destination_region_code) as is_destination_total,
        sum(release_flows.migrants) as migrants
    from release_flows
    group by
        release_flows.release_id,
        cube(release_flows.origin_region_code, release_flows.destination_region_code)

),

final as (

    select
        cast(rolled_up.release_id as varchar) as release_id,
        -- the rows of the matrix (origins, the total first), then its columns
        cast(row_number() over (
            partition by rolled_up.release_id
            order by
                rolled_up.is_origin_total desc,
                rolled_up.origin_region_code asc,
                rolled_up.is_destination_total desc,
                rolled_up.destination_region_code asc
        ) as integer) as row_order,
        cast(case when rolled_up.is_origin_total = 1 then 'total' else 'item' end as varchar)
            as row_level,
        cast(case when rolled_up.is_destination_total = 1 then 'total' else 'item' end as varchar)
            as column_level,
        cast(rolled_up.origin_region_code as varchar) as origin_region_code,
        cast(coalesce(origins.region_name_en, labels.label_en) as varchar)
            as origin_region_name_en,
        cast(coalesce(origins.region_name_ru, labels.label_ru) as varchar)
            as origin_region_name_ru,
        cast(coalesce(origins.region_name_kk, labels.label_kk) as varchar)
            as origin_region_name_kk,
        cast(rolled_up.destination_region_code as varchar) as destination_region_code,
        cast(coalesce(destinations.region_name_en, labels.label_en) as varchar)
            as destination_region_name_en,
        cast(coalesce(destinations.region_name_ru, labels.label_ru) as varchar)
            as destination_region_name_ru,
        cast(coalesce(destinations.region_name_kk, labels.label_kk) as varchar)
            as destination_region_name_kk,
        cast(rolled_up.migrants as bigint) as migrants
    from rolled_up
    cross join labels
    left join region_names as origins
        on
            rolled_up.release_id = origins.release_id
            and rolled_up.origin_region_code = origins.region_code
    left join region_names as destinations
        on
            rolled_up.release_id = destinations.release_id
            and rolled_up.destination_region_code = destinations.region_code

)

select * from final
