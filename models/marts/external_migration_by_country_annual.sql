with

evaluation_years as (

    select * from {{ ref('int_evaluation_years_sourced') }}

),

coupon_counts as (

    select * from {{ ref('int_coupon_counts_evaluated') }}
    where cell_shape_code = 'coupon'

),

-- every evaluation's own year-to-date flows by country
country_flows as (

    select
        release_id,
        registration_year,
        counterpart_country_code,
        is_cis,
        sum(case when coupon_type_code = 'A' then coupon_count else 0 end) as arrivals,
        sum(case when coupon_type_code = 'D' then coupon_count else 0 end) as departures
    from coupon_counts
    where flow_code = 'external'
    group by
        release_id,
        registration_year,
        counterpart_country_code,
        is_cis

),

-- each year takes the country table of its source evaluation
sourced_years as (

    select
        evaluation_years.release_id,
        evaluation_years.year,
        country_flows.counterpart_country_code,
        evaluation_years.source_release_id,
        country_flows.is_cis,
        country_flows.arrivals,
        country_flows.departures
    from evaluation_years
    inner join country_flows
        on
            evaluation_years.source_release_id = country_flows.release_id
            and evaluation_years.year = country_flows.registration_year

),

ranked as (

    select
        sourced_years.*,
        rank() over (
            partition by sourced_years.release_id, sourced_years.year
            order by sourced_years.arrivals desc
        ) as arrivals_rank
    from sourced_years

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(year as integer) as year,
        cast(counterpart_country_code as varchar) as country_code,
        cast(source_release_id as varchar) as source_release_id,
        cast(is_cis as boolean) as is_cis,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast(arrivals_rank as integer) as arrivals_rank
    from ranked

)

select * from final
