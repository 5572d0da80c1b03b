-- the years of each release's dynamic tables and the release each year's figures come
-- from (the release's own year: the release itself), as release.json lists them
with

annual as (

    select * from {{ ref('migration_annual') }}

),

key_points as (

    select * from {{ ref('release_key_points') }}

),

final as (

    select
        cast(annual.release_id as varchar) as release_id,
        cast(annual.year as integer) as year,
        cast(annual.source_release_id as varchar) as source_release_id,
        cast(annual.months_covered as integer) as months_covered,
        cast(source_release.vintage as varchar) as source_vintage,
        source_release.cutoff_at as source_cutoff_at
    from annual
    inner join key_points as source_release
        on annual.source_release_id = source_release.release_id
    where annual.year <= source_release.period_year

)

select * from final
