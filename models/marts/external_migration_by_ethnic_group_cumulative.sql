with

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}
    where cell_shape_code = 'coupon'

),

country_flows_cumulated as (

    select * from {{ ref('int_country_flows_cumulated') }}

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

external_by_group_monthly as (

    select
        coupon_counts.release_id,
        coupon_counts.registration_year,
        coupon_counts.registration_month,
        ethnic_groups.reported_ethnic_group_code,
        sum(
            case
                when coupon_counts.coupon_type_code = 'A' then coupon_counts.coupon_count
                else 0
            end
        ) as arrivals,
        sum(
            case
                when coupon_counts.coupon_type_code = 'D' then coupon_counts.coupon_count
                else 0
            end
        ) as departures
    from coupon_counts
    inner join ethnic_groups
        on coupon_counts.ethnic_group_code = ethnic_groups.ethnic_group_code
    where coupon_counts.flow_code = 'external'
    group by
        coupon_counts.release_id,
        coupon_counts.registration_year,
        coupon_counts.registration_month,
        ethnic_groups.reported_ethnic_group_code

),

period_groups as (

    select
        country_flows_cumulated.release_id,
        country_flows_cumulated.period_year,
        country_flows_cumulated.period_end_month,
        reported_groups.ethnic_group_code,
        reported_groups.is_specific_group
    from country_flows_cumulated
    cross join reported_groups

),

cumulated as (

    select
        period_groups.release_id,
        period_groups.period_year,
        period_groups.period_end_month,
        period_groups.ethnic_group_code,
        period_groups.is_specific_group,
        coalesce(sum(external_by_group_monthly.arrivals), 0) as arrivals,
        coalesce(sum(external_by_group_monthly.departures), 0) as departures
    from period_groups
    left join external_by_group_monthly
        on
            period_groups.release_id = external_by_group_monthly.release_id
            and period_groups.period_year = external_by_group_monthly.registration_year
            and period_groups.period_end_month >= external_by_group_monthly.registration_month
            and period_groups.ethnic_group_code
            = external_by_group_monthly.reported_ethnic_group_code
    group by
        period_groups.release_id,
        period_groups.period_year,
        period_groups.period_end_month,
        period_groups.ethnic_group_code,
        period_groups.is_specific_group

),

with_totals as (

    select
        release_id,
        period_year,
        period_end_month,
        ethnic_group_code,
        is_specific_group,
        arrivals,
        departures,
        sum(arrivals) over (partition by release_id, period_year, period_end_month)
            as total_arrivals,
        sum(departures) over (partition by release_id, period_year, period_end_month)
            as total_departures
    from cumulated

),

-- the rank of the specific groups by arrivals ('998' other and '999' not stated unranked)
specific_groups_ranked as (

    select
        release_id,
        period_year,
        period_end_month,
        ethnic_group_code,
        rank() over (
            partition by release_id, period_year, period_end_month order by arrivals desc
        ) as arrivals_rank
    from cumulated
    where is_specific_group

),

final as (

    select
        cast(with_totals.release_id as varchar) as release_id,
        cast(with_totals.period_year as integer) as period_year,
        cast(with_totals.period_end_month as integer) as period_end_month,
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
            and with_totals.period_year = specific_groups_ranked.period_year
            and with_totals.period_end_month = specific_groups_ranked.period_end_month
            and with_totals.ethnic_group_code = specific_groups_ranked.ethnic_group_code

)

select * from final
