{#-
    The release table of the people by region, flow, sex and age group of one age
    grouping (release_migration_by_sex_and_age, release_migration_by_sex_and_working_age):
    the release's own year; the republic (`KZ`) above the regions; for each region and
    flow, its total row (`total`: both sexes, all ages: published in the region table too),
    then both sexes by age group and each sex's total (`subtotal`), then men, women, sex
    not stated by age group (`item`). The rows are the mart's cells and margins with the
    mart's protection (a withheld count null with its status, cell_status); of a region and
    flow whose detail is withheld whole only the total row is listed.
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
    -- the grouping's age groups and all ages (the margin of every grouping)
    where age_grouping_code in ('{{ age_grouping_code }}', '_T')

),

region_names as (

    {{ release_region_names() }}

),

labels as (

    select * from {{ ref('int_release_labels_translated') }}

),

-- the release's own year; a detail withheld whole lists its total only
release_cells as (

    select
        cells.*,
        case
            when cells.sex_code = '_T' and cells.age_group_code = '_T' then 'total'
            when cells.sex_code = '_T' or cells.age_group_code = '_T' then 'subtotal'
            else 'item'
        end as row_level
    from cells
    inner join releases
        on
            cells.release_id = releases.release_id
            and cells.year = releases.period_year
    where not cells.is_detail_withheld

),

final as (

    select
        cast(release_cells.release_id as varchar) as release_id,
        cast(row_number() over (
            partition by release_cells.release_id
            order by
                case when release_cells.region_code = 'KZ' then 0 else 1 end asc,
                release_cells.region_code asc,
                release_cells.flow_code asc,
                case release_cells.sex_code when '_T' then 0 when 'M' then 1 when 'F' then 2 else 3 end asc,
                release_cells.age_group_sort_order asc
        ) as integer) as row_order,
        cast(release_cells.row_level as varchar) as row_level,
        cast(release_cells.region_code as varchar) as region_code,
        cast(region_names.region_name_en as varchar) as region_name_en,
        cast(region_names.region_name_ru as varchar) as region_name_ru,
        cast(region_names.region_name_kk as varchar) as region_name_kk,
        cast(release_cells.flow_code as varchar) as flow_code,
        cast(flows.label_en as varchar) as flow_name_en,
        cast(flows.label_ru as varchar) as flow_name_ru,
        cast(flows.label_kk as varchar) as flow_name_kk,
        cast(release_cells.sex_code as varchar) as sex_code,
        cast(sexes.label_en as varchar) as sex_name_en,
        cast(sexes.label_ru as varchar) as sex_name_ru,
        cast(sexes.label_kk as varchar) as sex_name_kk,
        cast(release_cells.age_group_code as varchar) as age_group_code,
        cast(release_cells.age_group_name_en as varchar) as age_group_name_en,
        cast(release_cells.age_group_name_ru as varchar) as age_group_name_ru,
        cast(release_cells.age_group_name_kk as varchar) as age_group_name_kk,
        {{ release_protected_counts('release_cells') }}
    from release_cells
    left join region_names
        on
            release_cells.release_id = region_names.release_id
            and release_cells.region_code = region_names.region_code
    left join labels as flows
        on flows.label_code = 'flow.' || release_cells.flow_code
    left join labels as sexes
        on sexes.label_code = case
            when release_cells.sex_code = '_T' then 'total'
            else 'sex.' || release_cells.sex_code
        end

)

select * from final
{%- endmacro %}


{#-
    The names of the regions a release table of the people shows, for each evaluation: the
    regions of its own year (migration_by_region_annual) and the republic (`KZ`, the label
    `republic`). A select statement.
-#}
{% macro release_region_names() -%}
    select
        by_region.release_id,
        by_region.region_code,
        by_region.region_name_en,
        by_region.region_name_ru,
        by_region.region_name_kk
    from {{ ref('migration_by_region_annual') }} as by_region
    inner join {{ ref('dim_release') }} as own_periods
        on
            by_region.release_id = own_periods.release_id
            and by_region.year = own_periods.period_year
    where by_region.source_release_id = by_region.release_id
    union all
    select
        own_periods.release_id,
        'KZ' as region_code,
        republic.label_en as region_name_en,
        republic.label_ru as region_name_ru,
        republic.label_kk as region_name_kk
    from {{ ref('dim_release') }} as own_periods
    inner join {{ ref('int_release_labels_translated') }} as republic
        on republic.label_code = 'republic'
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
