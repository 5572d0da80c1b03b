with

release_coupons_aggregated as (

    select * from {{ ref('int_release_coupons_aggregated') }}

),

releases as (

    select * from {{ ref('int_releases_selected') }}

),

ethnic_groups as (

    select * from {{ ref('dim_ethnic_group') }}

),

reported_groups as (

    select
        ethnic_group_code,
        is_specific_group
    from ethnic_groups
    where is_shown_separately

),

external_by_group as (

    select
        release_coupons_aggregated.release_id,
        ethnic_groups.reported_ethnic_group_code,
        sum(
            case
                when release_coupons_aggregated.coupon_type_code = 'A'
                    then release_coupons_aggregated.coupon_count
                else 0
            end
        ) as arrivals,
        sum(
            case
                when release_coupons_aggregated.coupon_type_code = 'D'
                    then release_coupons_aggregated.coupon_count
                else 0
            end
        ) as departures
    from release_coupons_aggregated
    inner join ethnic_groups
        on release_coupons_aggregated.ethnic_group_code = ethnic_groups.ethnic_group_code
    where release_coupons_aggregated.flow_code = 'external'
    group by
        release_coupons_aggregated.release_id,
        ethnic_groups.reported_ethnic_group_code

),

release_groups as (

    select
        releases.release_id,
        reported_groups.ethnic_group_code,
        reported_groups.is_specific_group,
        coalesce(external_by_group.arrivals, 0) as arrivals,
        coalesce(external_by_group.departures, 0) as departures
    from releases
    cross join reported_groups
    left join external_by_group
        on
            releases.release_id = external_by_group.release_id
            and reported_groups.ethnic_group_code = external_by_group.reported_ethnic_group_code

),

with_totals as (

    select
        release_id,
        ethnic_group_code,
        is_specific_group,
        arrivals,
        departures,
        sum(arrivals) over (partition by release_id) as total_arrivals,
        sum(departures) over (partition by release_id) as total_departures
    from release_groups

),

specific_groups_ranked as (

    select
        release_id,
        ethnic_group_code,
        rank() over (partition by release_id order by arrivals desc) as arrivals_rank
    from release_groups
    where is_specific_group

),

final as (

    select
        cast(with_totals.release_id as varchar) as release_id,
        cast(with_totals.ethnic_group_code as varchar) as ethnic_group_code,
        cast(with_totals.arrivals as bigint) as arrivals,
        cast(with_totals.departures as bigint) as departures,
        cast(with_totals.arrivals - with_totals.departures as bigint) as net_migration,
        cast(
            {{ share_pct('with_totals.arrivals', 'with_totals.total_arrivals') }}
            as double precision
        ) as arrivals_share_pct,
        cast(
            {{ share_pct('with_totals.departures', 'with_totals.total_departures') }}
            as double precision
        ) as departures_share_pct,
        cast(specific_groups_ranked.arrivals_rank as integer) as arrivals_rank
    from with_totals
    left join specific_groups_ranked
        on
            with_totals.release_id = specific_groups_ranked.release_id
            and with_totals.ethnic_group_code = specific_groups_ranked.ethnic_group_code

)

select * from final
