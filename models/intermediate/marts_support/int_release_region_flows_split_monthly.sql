-- Arrivals, departures and net migration of every region in force, month by month over a
-- release's period, split into external, interregional and intraregional: the region
-- rule of the extract spec (macro region_flow_ends) applied to each release's monthly
-- counts (each release at its own cut-off), on the dense release × month × region spine.
with

release_coupons_aggregated_monthly as (

    select * from {{ ref('int_release_coupons_aggregated_monthly') }}

),

release_months as (

    select * from {{ ref('int_release_months_spined') }}

),

regions as (

    select * from {{ ref('regions') }}

),

release_region_months as (

    select
        release_months.release_id,
        release_months.registration_year,
        release_months.registration_month,
        regions.region_code
    from release_months
    inner join regions
        on {{ region_in_force_between(
            'regions', 'release_months.month_start_date', 'release_months.month_end_date'
        ) }}

),

flow_ends as (

    {{ region_flow_ends(
        'release_coupons_aggregated_monthly',
        ['release_id', 'registration_year', 'registration_month']
    ) }}

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

release_region_months_filled as (

    select
        release_region_months.release_id,
        release_region_months.registration_year,
        release_region_months.registration_month,
        release_region_months.region_code,
        cast(coalesce(region_flows.external_arrivals, 0) as bigint) as external_arrivals,
        cast(coalesce(region_flows.external_departures, 0) as bigint) as external_departures,
        cast(coalesce(region_flows.interregional_arrivals, 0) as bigint) as interregional_arrivals,
        cast(coalesce(region_flows.interregional_departures, 0) as bigint)
            as interregional_departures,
        cast(coalesce(region_flows.intraregional_moves, 0) as bigint) as intraregional_moves
    from release_region_months
    left join region_flows
        on
            release_region_months.release_id = region_flows.release_id
            and release_region_months.registration_year = region_flows.registration_year
            and release_region_months.registration_month = region_flows.registration_month
            and release_region_months.region_code = region_flows.region_code

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(registration_year as integer) as registration_year,
        cast(registration_month as integer) as registration_month,
        cast(region_code as varchar) as region_code,
        external_arrivals + interregional_arrivals + intraregional_moves as arrivals,
        external_departures + interregional_departures + intraregional_moves as departures,
        (external_arrivals + interregional_arrivals)
        - (external_departures + interregional_departures) as net_migration,
        external_arrivals,
        external_departures,
        external_arrivals - external_departures as external_net,
        interregional_arrivals,
        interregional_departures,
        interregional_arrivals - interregional_departures as interregional_net,
        intraregional_moves
    from release_region_months_filled

)

select * from final
