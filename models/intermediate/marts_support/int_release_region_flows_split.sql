-- Arrivals, departures and net migration of every region in force during a release's
-- period (January .. period_end_month of period_year), split into external,
-- interregional and intraregional: the region rule of the extract spec (macro
-- region_flow_ends) applied to each release's counts. Carries the region's names in
-- force at the end of the period, as the release shows them.
with

release_coupons_aggregated as (

    select * from {{ ref('int_release_coupons_aggregated') }}

),

releases as (

    select * from {{ ref('int_releases_selected') }}

),

regions as (

    select * from {{ ref('regions') }}

),

region_name_history as (

    select * from {{ ref('region_name_history') }}

),

release_regions as (

    select
        releases.release_id,
        releases.period_end_date,
        regions.region_code,
        regions.region_name_en,
        regions.region_name_ru,
        regions.region_name_kk
    from releases
    inner join regions
        on {{ region_in_force_between(
            'regions', 'releases.period_start_date', 'releases.period_end_date'
        ) }}

),

release_regions_named as (

    select
        release_regions.release_id,
        release_regions.region_code,
        coalesce(region_name_history.region_name_en, release_regions.region_name_en)
            as region_name_en,
        coalesce(region_name_history.region_name_ru, release_regions.region_name_ru)
            as region_name_ru,
        coalesce(region_name_history.region_name_kk, release_regions.region_name_kk)
            as region_name_kk
    from release_regions
    left join region_name_history
        on
            release_regions.region_code = region_name_history.region_code
            and {{ is_valid_on('region_name_history', 'release_regions.period_end_date') }}

),

flow_ends as (

    {{ region_flow_ends('release_coupons_aggregated', ['release_id']) }}

),

region_flows as (

    select
        release_id,
        region_code,
        sum(external_arrivals) as external_arrivals,
        sum(external_departures) as external_departures,
        sum(interregional_arrivals) as interregional_arrivals,
        sum(interregional_departures) as interregional_departures,
        sum(intraregional_moves) as intraregional_moves
    from flow_ends
    group by
        release_id,
        region_code

),

release_regions_filled as (

    select
        release_regions_named.release_id,
        release_regions_named.region_code,
        release_regions_named.region_name_en,
        release_regions_named.region_name_ru,
        release_regions_named.region_name_kk,
        cast(coalesce(region_flows.external_arrivals, 0) as bigint) as external_arrivals,
        cast(coalesce(region_flows.external_departures, 0) as bigint) as external_departures,
        cast(coalesce(region_flows.interregional_arrivals, 0) as bigint) as interregional_arrivals,
        cast(coalesce(region_flows.interregional_departures, 0) as bigint)
            as interregional_departures,
        cast(coalesce(region_flows.intraregional_moves, 0) as bigint) as intraregional_moves
    from release_regions_named
    left join region_flows
        on
            release_regions_named.release_id = region_flows.release_id
            and release_regions_named.region_code = region_flows.region_code

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(region_code as varchar) as region_code,
        cast(region_name_en as varchar) as region_name_en,
        cast(region_name_ru as varchar) as region_name_ru,
        cast(region_name_kk as varchar) as region_name_kk,
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
    from release_regions_filled

)

select * from final
