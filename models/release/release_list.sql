-- every release the marts hold, with the two orders the export needs: oldest first
-- (release_order) and which one is the latest (is_latest_release: latest_release_rule)
with

key_points as (

    select * from {{ ref('release_key_points') }}

),

releases as (

    select * from {{ ref('dim_release') }}

),

ordered as (

    select
        key_points.release_id,
        key_points.period_year,
        key_points.period_end_month,
        key_points.vintage,
        key_points.cutoff_at,
        releases.has_synthetic_data,
        row_number() over (
            order by
                key_points.period_year,
                key_points.period_end_month,
                key_points.cutoff_at,
                key_points.release_id
        ) as release_order,
        case
            when key_points.vintage = 'latest' then null
            else row_number() over (
                    partition by key_points.vintage = 'latest'
                    order by
                        key_points.period_year desc,
                        key_points.period_end_month desc,
                        case when key_points.vintage = 'revised' then 0 else 1 end,
                        key_points.cutoff_at desc,
                        key_points.release_id desc
                )
        end as latest_rank
    from key_points
    inner join releases
        on key_points.release_id = releases.release_id

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(period_year as integer) as period_year,
        cast(period_end_month as integer) as period_end_month,
        cast(vintage as varchar) as vintage,
        cutoff_at,
        cast(has_synthetic_data as boolean) as has_synthetic_data,
        cast(release_order as integer) as release_order,
        coalesce(latest_rank = 1, false) as is_latest_release
    from ordered

)

select * from final
