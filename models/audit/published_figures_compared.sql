-- Every figure BNS published (published_figures seed) beside the figure this build
-- computes for the same release, rounded as published (a count published in thousands
-- with one decimal, published_decimals -2, to hundreds; in whole thousands, -3, to
-- thousands), with the difference.
with

published_figures as (

    select * from {{ ref('published_figures') }}

),

release_key_points as (

    select * from {{ ref('release_key_points') }}

),

migration_by_region_annual as (

    select * from {{ ref('migration_by_region_annual') }}

),

external_migration_by_country_annual as (

    select * from {{ ref('external_migration_by_country_annual') }}

),

external_migration_by_ethnic_group_cumulative as (

    select * from {{ ref('external_migration_by_ethnic_group_cumulative') }}

),

-- the tables of a release's own period: its own year of the annual tables, its own
-- period of the cumulative ones
release_regions as (

    select *
    from migration_by_region_annual
    where source_release_id = release_id

),

release_countries as (

    select *
    from external_migration_by_country_annual
    where source_release_id = release_id

),

release_ethnic_groups as (

    select external_migration_by_ethnic_group_cumulative.*
    from external_migration_by_ethnic_group_cumulative
    inner join release_key_points
        on
            external_migration_by_ethnic_group_cumulative.release_id
            = release_key_points.release_id
            and external_migration_by_ethnic_group_cumulative.period_year
            = release_key_points.period_year
            and external_migration_by_ethnic_group_cumulative.period_end_month
            = release_key_points.period_end_month

),

{%- set key_point_figures = [
    'arrivals',
    'departures',
    'net_migration',
    'arrivals_change_pct',
    'departures_change_pct',
    'cis_arrivals_share_pct',
    'cis_departures_share_pct',
    'internal_migrants_change_pct',
    'regions_with_positive_interregional_net',
] %}

key_point_figure_codes as (

    select distinct figure_code
    from published_figures
    where dimension_code is null

),

computed_figures as (

    select
        release_key_points.release_id,
        key_point_figure_codes.figure_code,
        cast(null as varchar) as dimension_code,
        cast(
            case key_point_figure_codes.figure_code
                {% for figure_code in key_point_figures -%}
                    when '{{ figure_code }}' then release_key_points.{{ figure_code }}
                {% endfor -%}
            end as double precision
        ) as computed_value,
        cast(null as integer) as computed_rank
    from release_key_points
    cross join key_point_figure_codes

    union all

    select
        release_id,
        'interregional_net' as figure_code,
        region_code as dimension_code,
        cast(interregional_net as double precision) as computed_value,
        interregional_net_rank as computed_rank
    from release_regions

    union all

    select
        release_id,
        'arrivals_by_country' as figure_code,
        country_code as dimension_code,
        cast(arrivals as double precision) as computed_value,
        arrivals_rank as computed_rank
    from release_countries

    union all

    select
        release_id,
        'external_arrivals_by_region' as figure_code,
        region_code as dimension_code,
        cast(external_arrivals as double precision) as computed_value,
        external_arrivals_rank as computed_rank
    from release_regions

    union all

    select
        release_id,
        'arrivals_by_ethnic_group' as figure_code,
        ethnic_group_code as dimension_code,
        cast(arrivals as double precision) as computed_value,
        arrivals_rank as computed_rank
    from release_ethnic_groups

),

compared as (

    select
        published_figures.release_id,
        published_figures.figure_code,
        published_figures.dimension_code,
        published_figures.dimension_rank,
        published_figures.published_value,
        published_figures.published_decimals,
        {{ round_half_away_from_zero(
            'computed_figures.computed_value',
            'published_figures.published_decimals',
            max_decimals=1,
            min_decimals=-3,
        ) }} as computed_value,
        case
            when published_figures.dimension_rank is not null then computed_figures.computed_rank
        end as computed_rank,
        published_figures.is_reproducible,
        published_figures.reproduced_value,
        published_figures.source_note
    from published_figures
    left join computed_figures
        on
            published_figures.release_id = computed_figures.release_id
            and published_figures.figure_code = computed_figures.figure_code
            and coalesce(published_figures.dimension_code, '')
            = coalesce(computed_figures.dimension_code, '')

),

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(figure_code as varchar) as figure_code,
        cast(dimension_code as varchar) as dimension_code,
        cast(dimension_rank as integer) as dimension_rank,
        cast(published_value as numeric(14, 1)) as published_value,
        cast(published_decimals as integer) as published_decimals,
        cast(computed_value as numeric(14, 1)) as computed_value,
        cast(computed_rank as integer) as computed_rank,
        cast(computed_value - published_value as numeric(14, 1)) as difference,
        cast(is_reproducible as boolean) as is_reproducible,
        cast(reproduced_value as numeric(14, 1)) as reproduced_value,
        cast(coalesce(computed_value = published_value, false) as boolean) as is_match,
        cast(
            case
                when dimension_rank is null then null
                else coalesce(computed_rank = dimension_rank, false)
            end as boolean
        ) as is_rank_match,
        cast(
            case
                when is_reproducible then coalesce(computed_value = published_value, false)
                when reproduced_value is not null
                    then coalesce(computed_value = reproduced_value, false)
            end as boolean
        ) as is_as_expected,
        cast(source_note as varchar) as source_note
    from compared

)

select * from final
