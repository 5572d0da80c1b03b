-- The `latest` evaluation of the split flows by region and month, with the contracted
-- columns of the first version of this table.
with

migration_by_region_monthly as (

    select * from {{ ref('migration_by_region_monthly') }}

),

final as (

    select
        year,
        month,
        region_code,
        arrivals,
        departures,
        net_migration,
        external_arrivals,
        external_departures,
        external_net_migration,
        interregional_arrivals,
        interregional_departures,
        interregional_net,
        intraregional_moves
    from migration_by_region_monthly
    where release_id = 'latest'

)

select * from final
