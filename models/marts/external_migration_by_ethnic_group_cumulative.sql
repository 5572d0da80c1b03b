with

coupons_aggregated_monthly as (

    select * from {{ ref('int_coupons_aggregated_monthly') }}

),

country_flows_monthly as (

    select * from {{ ref('int_country_flows_summed_monthly') }}

),

ethnic_groups as (

    select * from {{ ref('dim_ethnic_group') }}

),

periods as (

    select
        registration_year as period_year,
        registration_month as period_end_month
    from country_flows_monthly

),

reported_groups as (

    select ethnic_group_code
    from ethnic_groups
    where is_shown_separately

),

external_by_group_monthly as (

    select
        coupons_aggregated_monthly.registration_year,
        coupons_aggregated_monthly.registration_month,
        ethnic_groups.reported_ethnic_group_code,
        sum(
            case
                when coupons_aggregated_monthly.coupon_type_code = 'A'
                    then coupons_aggregated_monthly.coupon_count
                else 0
            end
        ) as arrivals,
        sum(
            case
                when coupons_aggregated_monthly.coupon_type_code = 'D'
                    then coupons_aggregated_monthly.coupon_count
                else 0
            end
        ) as departures
    from coupons_aggregated_monthly
    inner join ethnic_groups
        on coupons_aggregated_monthly.ethnic_group_code = ethnic_groups.ethnic_group_code
    where coupons_aggregated_monthly.flow_code = 'external'
    group by
        coupons_aggregated_monthly.registration_year,
        coupons_aggregated_monthly.registration_month,
        ethnic_groups.reported_ethnic_group_code

),

period_groups as (

    select
        periods.period_year,
        periods.period_end_month,
        reported_groups.ethnic_group_code
    from periods
    cross join reported_groups

),

cumulated as (

    select
        period_groups.period_year,
        period_groups.period_end_month,
        period_groups.ethnic_group_code,
        coalesce(sum(external_by_group_monthly.arrivals), 0) as arrivals,
        coalesce(sum(external_by_group_monthly.departures), 0) as departures
    from period_groups
    left join external_by_group_monthly
        on
            period_groups.period_year = external_by_group_monthly.registration_year
            and period_groups.period_end_month >= external_by_group_monthly.registration_month
            and period_groups.ethnic_group_code
            = external_by_group_monthly.reported_ethnic_group_code
    group by
        period_groups.period_year,
        period_groups.period_end_month,
        period_groups.ethnic_group_code

),

with_totals as (

    select
        period_year,
        period_end_month,
        ethnic_group_code,
        arrivals,
        departures,
        sum(arrivals) over (partition by period_year, period_end_month) as total_arrivals,
        sum(departures) over (partition by period_year, period_end_month) as total_departures
    from cumulated

),

final as (

    select
        cast(period_year as integer) as period_year,
        cast(period_end_month as integer) as period_end_month,
        cast(ethnic_group_code as varchar) as ethnic_group_code,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast({{ share_pct('arrivals', 'total_arrivals') }} as double precision)
            as arrivals_share_pct,
        cast({{ share_pct('departures', 'total_departures') }} as double precision)
            as departures_share_pct
    from with_totals

)

select * from final
