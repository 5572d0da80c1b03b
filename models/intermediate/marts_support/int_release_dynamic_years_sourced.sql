-- The years a release's dynamic tables show, and whose figures each year takes: the
-- release's own year is the release itself; an earlier year is the latest December
-- release of that year whose cut-off is at or before the release's cut-off (the revised
-- one once it is out, else the preliminary one). A year without such a release is absent.
with

releases as (

    select * from {{ ref('int_releases_selected') }}

),

december_releases as (

    select
        release_id,
        period_year,
        vintage,
        cutoff_at
    from releases
    where period_end_month = 12

),

own_years as (

    select
        release_id,
        period_year as year,
        release_id as source_release_id,
        period_end_month as months_covered
    from releases

),

earlier_year_candidates as (

    select
        releases.release_id,
        december_releases.period_year as year,
        december_releases.release_id as source_release_id,
        row_number() over (
            partition by releases.release_id, december_releases.period_year
            order by
                december_releases.cutoff_at desc,
                case when december_releases.vintage = 'revised' then 0 else 1 end,
                december_releases.release_id desc
        ) as candidate_number
    from releases
    inner join december_releases
        on
            releases.period_year > december_releases.period_year
            and releases.cutoff_at >= december_releases.cutoff_at

),

earlier_years as (

    select
        release_id,
        year,
        source_release_id,
        12 as months_covered
    from earlier_year_candidates
    where candidate_number = 1

),

dynamic_years as (

    select * from own_years
    union all
    select * from earlier_years

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(year as integer) as year,
        cast(source_release_id as varchar) as source_release_id,
        cast(months_covered as integer) as months_covered
    from dynamic_years

)

select * from final
