-- The years each evaluation's annual and monthly tables show, and whose figures each year
-- takes (the release's dynamic tables): a release's own year is the release itself; an
-- earlier year is the latest December release of that year whose cut-off is at or before
-- the release's cut-off (the revised one once it is out, else the preliminary one); a year
-- without such a release is absent. `latest` shows every year it counts, from itself.
with

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

),

country_flows_monthly as (

    select * from {{ ref('int_country_flows_summed_monthly') }}

),

releases as (

    select
        release_id,
        period_year,
        period_end_month,
        vintage,
        cutoff_at
    from evaluations
    where vintage != 'latest'

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
        release_id as source_release_id
    from releases

),

latest_years as (

    select distinct
        release_id,
        registration_year as year,
        release_id as source_release_id
    from country_flows_monthly
    where release_id = 'latest'

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
        source_release_id
    from earlier_year_candidates
    where candidate_number = 1

),

evaluation_years as (

    select * from own_years
    union all
    select * from latest_years
    union all
    select * from earlier_years

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(year as integer) as year,
        cast(source_release_id as varchar) as source_release_id
    from evaluation_years

)

select * from final
