{#-
    The release table of the people by region, flow, sex and age group of one age
    grouping (release_migration_by_sex_and_age, release_migration_by_sex_and_working_age):
    the release's own year; for each region and flow, its total row (the exact counts of
    all its cells: the release publishes it) above its cells, men, women, sex not stated,
    each by age group; a withheld count null with its status (cell_status); the cells of a
    group whose detail is withheld whole are not listed (its total is).
    Arguments:
      age_grouping_code: `five_year` or `working_age` (the seed age_groups).
-#}
{% macro release_sex_and_age_table(age_grouping_code) -%}
with

releases as (

    select * from {{ ref('dim_release') }}

),

cells as (

    select * from {{ ref('migration_by_sex_and_age_annual') }}
    where
        age_grouping_code = '{{ age_grouping_code }}'
        -- the mart's margin rows (the republic, both sexes) are not published yet
        and region_code != 'KZ'
        and sex_code != '_T'

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

age_groups as (

    select distinct
        age_group_code,
        age_group_sort_order,
        age_group_name_en,
        age_group_name_ru,
        age_group_name_kk
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

-- each region and flow's total, and its cells
rolled_up as (

    select
        release_cells.release_id,
        release_cells.region_code,
        release_cells.flow_code,
        release_cells.sex_code,
        release_cells.age_group_code,
        grouping(release_cells.sex_code) as is_total,
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
        rollup((release_cells.sex_code, release_cells.age_group_code))

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
                flagged.region_code asc,
                flagged.flow_code asc,
                flagged.is_total desc,
                case flagged.sex_code when 'M' then 1 when 'F' then 2 else 3 end asc,
                age_groups.age_group_sort_order asc
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
        cast(flagged.sex_code as varchar) as sex_code,
        cast(sexes.label_en as varchar) as sex_name_en,
        cast(sexes.label_ru as varchar) as sex_name_ru,
        cast(sexes.label_kk as varchar) as sex_name_kk,
        cast(flagged.age_group_code as varchar) as age_group_code,
        cast(age_groups.age_group_name_en as varchar) as age_group_name_en,
        cast(age_groups.age_group_name_ru as varchar) as age_group_name_ru,
        cast(age_groups.age_group_name_kk as varchar) as age_group_name_kk,
        {{ release_protected_counts('flagged') }}
    from flagged
    left join region_names
        on
            flagged.release_id = region_names.release_id
            and flagged.region_code = region_names.region_code
    left join age_groups
        on flagged.age_group_code = age_groups.age_group_code
    left join labels as flows
        on flows.label_code = 'flow.' || flagged.flow_code
    left join labels as sexes
        on sexes.label_code = case
            when flagged.is_total = 1 then 'total'
            else 'sex.' || flagged.sex_code
        end

)

select * from final
{%- endmacro %}


{#-
    The select-list of a people's release table's counts: arrivals, departures and net
    migration as shown (null when withheld: shown_count) and their statuses
    (`<measure>_status`: cell_status).
    Arguments:
      relation: alias of the relation with the exact counts and `<measure>_is_suppressed`.
-#}
{% macro release_protected_counts(relation) -%}
    cast({{ shown_count(relation ~ '.arrivals', relation ~ '.arrivals_is_suppressed') }} as bigint)
    as arrivals,
    cast({{ shown_count(relation ~ '.departures', relation ~ '.departures_is_suppressed') }} as bigint)
    as departures,
    cast({{ shown_count(relation ~ '.net_migration', relation ~ '.net_migration_is_suppressed') }}
        as bigint) as net_migration,
    cast({{ cell_status(relation ~ '.arrivals_withheld_reason_code') }} as varchar)
    as arrivals_status,
    cast({{ cell_status(relation ~ '.departures_withheld_reason_code') }}
        as varchar) as departures_status,
    cast({{ cell_status(relation ~ '.net_migration_withheld_reason_code') }}
        as varchar) as net_migration_status
{%- endmacro %}
