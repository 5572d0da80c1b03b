with

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}
    where cell_shape_code = 'coupon'

),

country_flows as (

    select
        registration_year,
        registration_month,
        counterpart_country_code,
        is_cis,
        sum(case when coupon_type_code = 'A' then coupon_count else 0 end) as arrivals,
        sum(case when coupon_type_code = 'D' then coupon_count else 0 end) as departures
    from coupon_counts
    where
        release_id = 'latest'
        and flow_code = 'external'
    group by
        registration_year,
        registration_month,
        counterpart_country_code,
        is_cis

),

final as (

    select
        cast(registration_year as integer) as year,
        cast(registration_month as integer) as month,
        cast(counterpart_country_code as varchar) as country_code,
        cast(is_cis as boolean) as is_cis,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration
    from country_flows

)

select * from final
