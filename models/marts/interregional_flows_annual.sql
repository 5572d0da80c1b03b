with

interregional_flows_monthly as (

    select * from {{ ref('int_interregional_flows_summed_monthly') }}

),

annual_flows as (

    select
        release_id,
        registration_year,
        origin_region_code,
        destination_region_code,
        sum(migrants) as migrants
    from interregional_flows_monthly
    group by
        release_id,
        registration_year,
        origin_region_code,
        destination_region_code

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(registration_year as integer) as year,
        cast(origin_region_code as varchar) as origin_region_code,
        cast(destination_region_code as varchar) as destination_region_code,
        cast(migrants as bigint) as migrants
    from annual_flows

)

select * from final
