with

releases as (

    select * from {{ ref('dim_release') }}

),

by_group as (

    select * from {{ ref('external_migration_by_ethnic_group_cumulative') }}

),

ethnic_groups as (

    select * from {{ ref('dim_ethnic_group') }}

),

labels as (

    select * from {{ ref('int_release_labels_translated') }}

),

-- the release's own period (January to its end month)
release_groups as (

    select by_group.*
    from by_group
    inner join releases
        on
            by_group.release_id = releases.release_id
            and by_group.period_year = releases.period_year
            and by_group.period_end_month = releases.period_end_month

),

-- the groups cover every migrant: the total row's shares are 100 %
rolled_up as (

    select
        release_groups.release_id,
        release_groups.ethnic_group_code,
        grouping(release_groups.ethnic_group_code) as is_total,
        sum(release_groups.arrivals_share_pct) as arrivals_share_pct,
        sum(release_groups.departures_share_pct) as departures_share_pct,
        sum(release_groups.arrivals) as arrivals,
        sum(release_groups.departures) as departures
    from release_groups
    group by
        release_groups.release_id,
        rollup(release_groups.ethnic_group_code)

),

final as (

    select
        cast(rolled_up.release_id as varchar) as release_id,
        cast(row_number() over (
            partition by rolled_up.release_id
            order by rolled_up.is_total desc, rolled_up.ethnic_group_code asc
        ) as integer) as row_order,
        cast(case when rolled_up.is_total = 1 then 'total' else 'item' end as varchar)
            as row_level,
        cast(rolled_up.ethnic_group_code as varchar) as ethnic_group_code,
        cast(coalesce(ethnic_groups.ethnic_group_name_en, labels.label_en) as varchar)
            as ethnic_group_name_en,
        cast(coalesce(ethnic_groups.ethnic_group_name_ru, labels.label_ru) as varchar)
            as ethnic_group_name_ru,
        cast(coalesce(ethnic_groups.ethnic_group_name_kk, labels.label_kk) as varchar)
            as ethnic_group_name_kk,
        -- the 100 % row rounded to 10 decimals (the binary noise of a sum of shares:
        -- 100.00000000000001); the groups' shares unrounded
        cast(case
            when rolled_up.is_total = 1
                then cast(
                        cast(rolled_up.arrivals_share_pct as numeric(24, 10)) as double precision
                    )
            else rolled_up.arrivals_share_pct
        end as double precision) as arrivals_share_pct,
        cast(case
            when rolled_up.is_total = 1
                then cast(
                        cast(rolled_up.departures_share_pct as numeric(24, 10)) as double precision
                    )
            else rolled_up.departures_share_pct
        end as double precision) as departures_share_pct,
        cast(rolled_up.arrivals as bigint) as arrivals,
        cast(rolled_up.departures as bigint) as departures
    from rolled_up
    left join ethnic_groups
        on rolled_up.ethnic_group_code = ethnic_groups.ethnic_group_code
    left join labels
        on rolled_up.is_total = 1 and labels.label_code = 'total'

)

select * from final
