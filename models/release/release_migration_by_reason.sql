-- the people by region, flow and declared reason for moving: each region and flow's total
-- row (exact counts: published) above its reasons; a withheld count null with its status
with

releases as (

    select * from {{ ref('dim_release') }}

),

cells as (

    select * from {{ ref('migration_by_reason_annual') }}
    -- the items of the republic (KZ) and the regions; each total is their sum (rollup)
    where reason_code != '_T'

),

region_names as (

    {{ release_region_names() }}

),

labels as (

    select * from {{ ref('int_release_labels_translated') }}

),

reasons as (

    select distinct
        reason_code,
        reason_name_en,
        reason_name_ru,
        reason_name_kk
    from cells

),

-- the release's own year
release_cells as (

    select cells.*
    from cells
    inner join releases
        on
            cells.release_id = releases.release_id
            and cells.year = releases.period_year

),

rolled_up as (

    select
        release_cells.release_id,
        release_cells.region_code,
        release_cells.flow_code,
        release_cells.reason_code,
        grouping(release_cells.reason_code) as is_total,
        sum(release_cells.arrivals) as arrivals,
        sum(release_cells.departures) as departures,
        sum(release_cells.net_migration) as net_migration,
        bool_or(release_cells.arrivals_is_suppressed) as any_arrivals_suppressed,
        bool_or(release_cells.departures_is_suppressed) as any_departures_suppressed,
        bool_or(release_cells.net_migration_is_suppressed) as any_net_migration_suppressed,
        max(release_cells.arrivals_withheld_reason_code) as any_arrivals_withheld_reason_code,
        max(release_cells.departures_withheld_reason_code)
            as any_departures_withheld_reason_code,
        max(release_cells.net_migration_withheld_reason_code)
            as any_net_migration_withheld_reason_code,
        bool_or(release_cells.is_detail_withheld) as any_detail_withheld
    from release_cells
    group by
        release_cells.release_id,
        release_cells.region_code,
        release_cells.flow_code,
        rollup(release_cells.reason_code)

),

-- a total is published; a cell carries its own flags
flagged as (

    select
        rolled_up.*,
        rolled_up.is_total = 0 and rolled_up.any_arrivals_suppressed as arrivals_is_suppressed,
        rolled_up.is_total = 0 and rolled_up.any_departures_suppressed
            as departures_is_suppressed,
        rolled_up.is_total = 0 and rolled_up.any_net_migration_suppressed
            as net_migration_is_suppressed,
        case
            when rolled_up.is_total = 0 then rolled_up.any_arrivals_withheld_reason_code
        end as arrivals_withheld_reason_code,
        case
            when rolled_up.is_total = 0 then rolled_up.any_departures_withheld_reason_code
        end as departures_withheld_reason_code,
        case
            when rolled_up.is_total = 0 then rolled_up.any_net_migration_withheld_reason_code
        end as net_migration_withheld_reason_code
    from rolled_up
    where rolled_up.is_total = 1 or not rolled_up.any_detail_withheld

),

final as (

    select
        cast(flagged.release_id as varchar) as release_id,
        cast(row_number() over (
            partition by flagged.release_id
            order by
                case when flagged.region_code = 'KZ' then 0 else 1 end asc,
                flagged.region_code asc,
                flagged.flow_code asc,
                flagged.is_total desc,
                flagged.reason_code asc
        ) as integer) as row_order,
        cast(case when flagged.is_total = 1 then 'total' else 'item' end as varchar)
            as row_level,
        cast(flagged.region_code as varchar) as region_code,
        cast(region_names.region_name_en as varchar) as region_name_en,
        cast(region_names.region_name_ru as varchar) as region_name_ru,
        cast(region_names.region_name_kk as varchar) as region_name_kk,
        cast(flagged.flow_code as varchar) as flow_code,
        cast(flows.label_en as varchar) as flow_name_en,
        cast(flows.label_ru as varchar) as flow_name_ru,
        cast(flows.label_kk as varchar) as flow_name_kk,
        cast(flagged.reason_code as varchar) as reason_code,
        cast(coalesce(reasons.reason_name_en, totals.label_en) as varchar) as reason_name_en,
        cast(coalesce(reasons.reason_name_ru, totals.label_ru) as varchar) as reason_name_ru,
        cast(coalesce(reasons.reason_name_kk, totals.label_kk) as varchar) as reason_name_kk,
        {{ release_protected_counts('flagged') }}
    from flagged
    left join region_names
        on
            flagged.release_id = region_names.release_id
            and flagged.region_code = region_names.region_code
    left join reasons
        on flagged.reason_code = reasons.reason_code
    left join labels as flows
        on flows.label_code = 'flow.' || flagged.flow_code
    left join labels as totals
        on flagged.is_total = 1 and totals.label_code = 'total'

)

select * from final
