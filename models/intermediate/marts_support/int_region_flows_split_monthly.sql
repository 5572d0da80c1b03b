-- Arrivals, departures and net migration of every region in force, month by month and
-- evaluation, split into external, interregional and intraregional: the region flows of the
-- key tables' counts (int_region_flows_evaluated, cell shape `coupon`) on the dense
-- evaluation × month × region spine.
with

flow_ends as (

    select * from {{ ref('int_region_flows_evaluated') }}
    where cell_shape_code = 'coupon'

),

region_months as (

    select * from {{ ref('int_evaluation_region_months_spined') }}

),

region_flows as (

    select
        release_id,
        registration_year,
        registration_month,
        region_code,
        sum(external_arrivals) as external_arrivals,
        sum(external_departures) as external_departures,
        sum(interregional_arrivals) as interregional_arrivals,
        sum(interregional_departures) as interregional_departures,
        sum(intraregional_moves) as intraregional_moves
    from flow_ends
    group by
        release_id,
        registration_year,
        registration_month,
        region_code

),

region_months_filled as (

    select
        region_months.release_id,
        region_months.registration_year,
        region_months.registration_month,
        region_months.region_code,
        cast(coalesce(region_flows.external_arrivals, 0) as bigint) as external_arrivals,
        cast(coalesce(region_flows.external_departures, 0) as bigint) as external_departures,
        cast(coalesce(region_flows.interregional_arrivals, 0) as bigint) as interregional_arrivals,
        cast(coalesce(region_flows.interregional_departures, 0) as bigint)
            as interregional_departures,
        cast(coalesce(region_flows.intraregional_moves, 0) as bigint) as intraregional_moves
    from region_months
    left join region_flows
        on
            region_months.release_id = region_flows.release_id
            and region_months.registration_year = region_flows.registration_year
            and region_months.registration_month = region_flows.registration_month
            and region_months.region_code = region_flows.region_code

),

final as (

    select
        release_id,
        registration_year,
        registration_month,
        region_code,
        external_arrivals + interregional_arrivals + intraregional_moves as arrivals,
        external_departures + interregional_departures + intraregional_moves as departures,
        (external_arrivals + interregional_arrivals)
        - (external_departures + interregional_departures) as net_migration,
        external_arrivals,
        external_departures,
        external_arrivals - external_departures as external_net_migration,
        interregional_arrivals,
        interregional_departures,
        interregional_arrivals - interregional_departures as interregional_net,
        intraregional_moves
    from region_months_filled

)

select * from final
