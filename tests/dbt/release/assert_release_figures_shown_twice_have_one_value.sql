-- A figure shown twice in a release has one value: the changes on the previous year of
-- the key figures and of the row of the release's own year in its dynamic table by year
-- (with the same base release),
-- and the external arrivals and departures of the key figures, of that row, of the
-- republic's row of the region table and of the total of the table by country. One row
-- per release and figure that differs.
with

releases as (

    select * from {{ ref('dim_release') }}
    where vintage != 'latest' and period_end_month = 12

),

key_figures as (

    select * from {{ ref('release_key_figures') }}

),

annual as (

    select * from {{ ref('release_external_migration_annual') }}

),

by_region as (

    select * from {{ ref('release_migration_by_region') }}
    where row_level = 'total'

),

by_country as (

    select * from {{ ref('release_external_migration_by_country') }}
    where row_level = 'total'

),

own_years as (

    select annual.*
    from annual
    inner join releases
        on
            annual.release_id = releases.release_id
            and annual.year = releases.period_year

),

shown as (

    select
        own_years.release_id,
        'arrivals_change_pct' as figure_code,
        own_years.arrivals_change_pct as shown_value,
        own_years.change_base_release_id as shown_base
    from own_years
    union all
    select
        own_years.release_id,
        'departures_change_pct',
        own_years.departures_change_pct,
        own_years.change_base_release_id
    from own_years
    union all
    select own_years.release_id, 'arrivals', own_years.arrivals, null from own_years
    union all
    select own_years.release_id, 'departures', own_years.departures, null from own_years
    union all
    select by_region.release_id, 'arrivals', by_region.external_arrivals, null from by_region
    union all
    select by_region.release_id, 'departures', by_region.external_departures, null
    from by_region
    union all
    select by_country.release_id, 'arrivals', by_country.arrivals, null from by_country
    union all
    select by_country.release_id, 'departures', by_country.departures, null from by_country

),

compared as (

    select
        shown.release_id,
        shown.figure_code,
        shown.shown_value,
        shown.shown_base,
        key_figures.figure_value,
        key_figures.comparison_release_id
    from shown
    inner join releases
        on shown.release_id = releases.release_id
    left join key_figures
        on
            shown.release_id = key_figures.release_id
            and shown.figure_code = key_figures.figure_code

)

-- a figure the key figures give: the same value, and a change the same base (a release
-- without a same-vintage comparison gives no change in its key figures; its table's change
-- names its own base)
select *
from compared
where
    figure_value is not null
    and (
        shown_value is distinct from figure_value
        or (shown_base is not null and shown_base is distinct from comparison_release_id)
    )
