-- Every coupon counted for a release is in release_migration_by_region once per region
-- end (external coupons at their region, internal ones at both ends), and the release's
-- key figures count them. One row per release whose totals differ.
with

release_coupons_counted as (

    select * from {{ ref('int_release_coupons_counted') }}

),

release_migration_by_region as (

    select * from {{ ref('release_migration_by_region') }}

),

release_key_points as (

    select * from {{ ref('release_key_points') }}

),

coupon_totals as (

    select
        release_id,
        sum(case when flow_code = 'external' and coupon_type_code = 'A' then 1 else 0 end)
            as external_arrivals,
        sum(case when flow_code = 'external' and coupon_type_code = 'D' then 1 else 0 end)
            as external_departures,
        sum(case when flow_code = 'interregional' then 1 else 0 end) as interregional_moves,
        sum(case when flow_code = 'intraregional' then 1 else 0 end) as intraregional_moves
    from release_coupons_counted
    group by release_id

),

region_totals as (

    select
        release_id,
        sum(external_arrivals) as external_arrivals,
        sum(external_departures) as external_departures,
        sum(interregional_arrivals) as interregional_arrivals,
        sum(interregional_departures) as interregional_departures,
        sum(intraregional_moves) as intraregional_moves
    from release_migration_by_region
    group by release_id

),

final as (

    select
        release_key_points.release_id,
        coupon_totals.external_arrivals as coupon_external_arrivals,
        region_totals.external_arrivals as region_external_arrivals,
        release_key_points.arrivals as key_point_arrivals
    from release_key_points
    left join coupon_totals
        on release_key_points.release_id = coupon_totals.release_id
    left join region_totals
        on release_key_points.release_id = region_totals.release_id
    where
        coalesce(coupon_totals.external_arrivals, 0) <> coalesce(region_totals.external_arrivals, 0)
        or coalesce(coupon_totals.external_arrivals, 0) <> release_key_points.arrivals
        or coalesce(coupon_totals.external_departures, 0)
        <> coalesce(region_totals.external_departures, 0)
        or coalesce(coupon_totals.external_departures, 0) <> release_key_points.departures
        or coalesce(coupon_totals.interregional_moves, 0)
        <> coalesce(region_totals.interregional_arrivals, 0)
        or coalesce(coupon_totals.interregional_moves, 0)
        <> coalesce(region_totals.interregional_departures, 0)
        or coalesce(coupon_totals.intraregional_moves, 0)
        <> coalesce(region_totals.intraregional_moves, 0)
        or coalesce(coupon_totals.interregional_moves, 0) + coalesce(coupon_totals.intraregional_moves, 0)
        <> release_key_points.internal_migrants

)

select * from final
