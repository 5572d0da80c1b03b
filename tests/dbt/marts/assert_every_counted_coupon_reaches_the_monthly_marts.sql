-- Every coupon counted as of the build's cut-off reaches the marts, once per region end.
-- Two derivations meet here: the `latest` evaluation of int_coupon_counts_evaluated (sums
-- of knowledge-time changes) holds as many coupons as audit.coupon_outcomes marks
-- `counted` (each row's outcome at the cut-off); and net_migration_monthly holds every
-- one of them, external coupons at their region and internal ones at both ends, so a
-- coupon whose region were not in force in its month would show. One row per year ×
-- month whose totals differ, and one for the overall count if it differs.
with

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}
    where cell_shape_code = 'coupon'

),

coupon_outcomes as (

    select * from {{ ref('coupon_outcomes') }}

),

net_migration_monthly as (

    select * from {{ ref('net_migration_monthly') }}

),

latest_counts as (

    select *
    from coupon_counts
    where release_id = 'latest'

),

count_totals as (

    select
        registration_year as year,  -- noqa: RF04
        registration_month as month,  -- noqa: RF04
        sum(
            case when flow_code = 'external' and coupon_type_code = 'A' then coupon_count else 0 end
        ) as external_arrivals,
        sum(
            case when flow_code = 'external' and coupon_type_code = 'D' then coupon_count else 0 end
        ) as external_departures,
        sum(case when flow_code = 'interregional' then coupon_count else 0 end)
            as interregional_moves,
        sum(case when flow_code = 'intraregional' then coupon_count else 0 end)
            as intraregional_moves
    from latest_counts
    group by registration_year, registration_month

),

mart_totals as (

    select
        year,
        month,
        sum(external_arrivals) as external_arrivals,
        sum(external_departures) as external_departures,
        sum(interregional_arrivals) as interregional_arrivals,
        sum(interregional_departures) as interregional_departures,
        sum(intraregional_moves) as intraregional_moves
    from net_migration_monthly
    group by year, month

),

month_differences as (

    select
        'month totals' as difference,
        coalesce(count_totals.year, mart_totals.year) as year,  -- noqa: RF04
        coalesce(count_totals.month, mart_totals.month) as month,  -- noqa: RF04
        count_totals.external_arrivals as counted_value,
        mart_totals.external_arrivals as mart_value
    from count_totals
    full outer join mart_totals
        on
            count_totals.year = mart_totals.year
            and count_totals.month = mart_totals.month
    where
        coalesce(count_totals.external_arrivals, 0) <> coalesce(mart_totals.external_arrivals, 0)
        or coalesce(count_totals.external_departures, 0)
        <> coalesce(mart_totals.external_departures, 0)
        or coalesce(count_totals.interregional_moves, 0)
        <> coalesce(mart_totals.interregional_arrivals, 0)
        or coalesce(count_totals.interregional_moves, 0)
        <> coalesce(mart_totals.interregional_departures, 0)
        or coalesce(count_totals.intraregional_moves, 0)
        <> coalesce(mart_totals.intraregional_moves, 0)

),

counted_outcomes as (

    select count(*) as coupon_count
    from coupon_outcomes
    where outcome = 'counted'

),

evaluated_total as (

    select coalesce(sum(coupon_count), 0) as coupon_count
    from latest_counts

),

total_differences as (

    select
        'counted outcomes' as difference,
        cast(null as integer) as year,  -- noqa: RF04
        cast(null as integer) as month,  -- noqa: RF04
        counted_outcomes.coupon_count as counted_value,
        evaluated_total.coupon_count as mart_value
    from counted_outcomes
    cross join evaluated_total
    where counted_outcomes.coupon_count <> evaluated_total.coupon_count

),

final as (

    select * from month_differences
    union all
    select * from total_differences

)

select * from final
