-- Every coupon counted as of the build's cut-off is in net_migration_monthly exactly once
-- per region end: external coupons at their region, internal ones at both ends. A coupon
-- whose region were not in force in its month (so missing from the region-month spine)
-- would show here. One row per year × month whose totals differ.
with

coupons_counted as (

    select * from {{ ref('int_coupons_counted') }}

),

net_migration_monthly as (

    select * from {{ ref('net_migration_monthly') }}

),

coupon_totals as (

    select
        registration_year as year,  -- noqa: RF04
        registration_month as month,  -- noqa: RF04
        sum(case when flow_code = 'external' and coupon_type_code = 'A' then 1 else 0 end)
            as external_arrivals,
        sum(case when flow_code = 'external' and coupon_type_code = 'D' then 1 else 0 end)
            as external_departures,
        sum(case when flow_code = 'interregional' then 1 else 0 end) as interregional_moves,
        sum(case when flow_code = 'intraregional' then 1 else 0 end) as intraregional_moves
    from coupons_counted
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

final as (

    select
        coalesce(coupon_totals.year, mart_totals.year) as year,  -- noqa: RF04
        coalesce(coupon_totals.month, mart_totals.month) as month,  -- noqa: RF04
        coupon_totals.external_arrivals as coupon_external_arrivals,
        mart_totals.external_arrivals as mart_external_arrivals,
        coupon_totals.interregional_moves as coupon_interregional_moves,
        mart_totals.interregional_arrivals as mart_interregional_arrivals,
        mart_totals.interregional_departures as mart_interregional_departures
    from coupon_totals
    full outer join mart_totals
        on
            coupon_totals.year = mart_totals.year
            and coupon_totals.month = mart_totals.month
    where
        coalesce(coupon_totals.external_arrivals, 0) <> coalesce(mart_totals.external_arrivals, 0)
        or coalesce(coupon_totals.external_departures, 0)
        <> coalesce(mart_totals.external_departures, 0)
        or coalesce(coupon_totals.interregional_moves, 0)
        <> coalesce(mart_totals.interregional_arrivals, 0)
        or coalesce(coupon_totals.interregional_moves, 0)
        <> coalesce(mart_totals.interregional_departures, 0)
        or coalesce(coupon_totals.intraregional_moves, 0)
        <> coalesce(mart_totals.intraregional_moves, 0)

)

select * from final
