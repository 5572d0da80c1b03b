-- exactly one release is the latest (latest_release_rule), and it is not `latest`
with

releases as (

    select * from {{ ref('release_list') }}

),

latest as (

    select
        count(*) as latest_count,
        sum(case when vintage = 'latest' then 1 else 0 end) as latest_evaluations
    from releases
    where is_latest_release

)

select * from latest
where latest_count != 1 or latest_evaluations != 0
