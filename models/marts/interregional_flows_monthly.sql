-- The `latest` evaluation of the origin–destination flows, with the contracted columns of
-- the first version of this table.
with

interregional_flows_monthly as (

    select * from {{ ref('int_interregional_flows_summed_monthly') }}

),

final as (

    select
        registration_year as year,
        registration_month as month,
        origin_region_code,
        destination_region_code,
        migrants
    from interregional_flows_monthly
    where release_id = 'latest'

)

select * from final
