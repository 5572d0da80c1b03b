with

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}

),

origin_destination_flows as (

    select
        registration_year,
        registration_month,
        counterpart_region_code as origin_region_code,
        region_code as destination_region_code,
        sum(coupon_count) as migrants
    from coupon_counts
    where
        release_id = 'latest'
        and flow_code = 'interregional'
    group by
        registration_year,
        registration_month,
        counterpart_region_code,
        region_code

),

final as (

    select
        cast(registration_year as integer) as year,
        cast(registration_month as integer) as month,
        cast(origin_region_code as varchar) as origin_region_code,
        cast(destination_region_code as varchar) as destination_region_code,
        cast(migrants as bigint) as migrants
    from origin_destination_flows

)

select * from final
