with

release_coupons_aggregated as (

    select * from {{ ref('int_release_coupons_aggregated') }}

),

country_flows as (

    select
        release_id,
        counterpart_country_code,
        is_cis,
        sum(case when coupon_type_code = 'A' then coupon_count else 0 end) as arrivals,
        sum(case when coupon_type_code = 'D' then coupon_count else 0 end) as departures
    from release_coupons_aggregated
    where flow_code = 'external'
    group by
        release_id,
        counterpart_country_code,
        is_cis

),

ranked as (

    select
        release_id,
        counterpart_country_code,
        is_cis,
        arrivals,
        departures,
        rank() over (partition by release_id order by arrivals desc) as arrivals_rank
    from country_flows

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(counterpart_country_code as varchar) as country_code,
        cast(is_cis as boolean) as is_cis,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast(arrivals_rank as integer) as arrivals_rank
    from ranked

)

select * from final
