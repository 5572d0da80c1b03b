{%- set national_measures = [
    'arrivals', 'departures', 'net_migration', 'cis_arrivals', 'cis_departures',
    'internal_migrants',
] %}
{%- set regional_measures = [
    'arrivals', 'departures', 'net_migration', 'external_net_migration', 'interregional_net',
] %}

with

evaluations as (

    select * from {{ ref('int_evaluations_selected') }}

),

country_flows_cumulated as (

    select * from {{ ref('int_country_flows_cumulated') }}

),

region_flows_cumulated as (

    select * from {{ ref('int_region_flows_cumulated') }}

),

national_measures as (

    {{ measure_codes(national_measures) }}

),

regional_measures as (

    {{ measure_codes(regional_measures) }}

),

-- every figure of every evaluation and cumulative period, one row each
national_figures as (

    select
        country_flows_cumulated.release_id,
        country_flows_cumulated.period_year,
        country_flows_cumulated.period_end_month,
        'KZ' as territory_code,
        national_measures.measure_code,
        case national_measures.measure_code
            {% for measure in national_measures -%}
                when '{{ measure }}' then country_flows_cumulated.{{ measure }}
            {% endfor -%}
        end as figure_value
    from country_flows_cumulated
    cross join national_measures

),

regional_figures as (

    select
        region_flows_cumulated.release_id,
        region_flows_cumulated.period_year,
        region_flows_cumulated.period_end_month,
        region_flows_cumulated.region_code as territory_code,
        regional_measures.measure_code,
        case regional_measures.measure_code
            {% for measure in regional_measures -%}
                when '{{ measure }}' then region_flows_cumulated.{{ measure }}
            {% endfor -%}
        end as figure_value
    from region_flows_cumulated
    cross join regional_measures

),

figures as (

    select * from national_figures
    union all
    select * from regional_figures

),

preliminary_releases as (

    select
        release_id,
        period_year,
        period_end_month
    from evaluations
    where vintage = 'preliminary'

),

revised_releases as (

    select
        release_id,
        period_year,
        period_end_month
    from evaluations
    where vintage = 'revised'

),

release_periods as (

    select
        preliminary_releases.period_year,
        preliminary_releases.period_end_month,
        preliminary_releases.release_id as preliminary_release_id,
        revised_releases.release_id as revised_release_id
    from preliminary_releases
    left join revised_releases
        on
            preliminary_releases.period_year = revised_releases.period_year
            and preliminary_releases.period_end_month = revised_releases.period_end_month

),

vintages_joined as (

    select
        release_periods.period_year,
        release_periods.period_end_month,
        preliminary_figures.territory_code,
        preliminary_figures.measure_code,
        release_periods.preliminary_release_id,
        preliminary_figures.figure_value as preliminary_value,
        release_periods.revised_release_id,
        revised_figures.figure_value as revised_value,
        latest_figures.figure_value as latest_value
    from release_periods
    inner join figures as preliminary_figures
        on
            release_periods.preliminary_release_id = preliminary_figures.release_id
            and release_periods.period_year = preliminary_figures.period_year
            and release_periods.period_end_month = preliminary_figures.period_end_month
    left join figures as revised_figures
        on
            release_periods.revised_release_id = revised_figures.release_id
            and preliminary_figures.period_year = revised_figures.period_year
            and preliminary_figures.period_end_month = revised_figures.period_end_month
            and preliminary_figures.territory_code = revised_figures.territory_code
            and preliminary_figures.measure_code = revised_figures.measure_code
    left join figures as latest_figures
        on
            latest_figures.release_id = 'latest'
            and preliminary_figures.period_year = latest_figures.period_year
            and preliminary_figures.period_end_month = latest_figures.period_end_month
            and preliminary_figures.territory_code = latest_figures.territory_code
            and preliminary_figures.measure_code = latest_figures.measure_code

),

final as (

    select
        cast(period_year as integer) as period_year,
        cast(period_end_month as integer) as period_end_month,
        cast(territory_code as varchar) as territory_code,
        cast(measure_code as varchar) as measure_code,
        cast(preliminary_release_id as varchar) as preliminary_release_id,
        cast(preliminary_value as bigint) as preliminary_value,
        cast(revised_release_id as varchar) as revised_release_id,
        cast(revised_value as bigint) as revised_value,
        cast(latest_value as bigint) as latest_value,
        cast(revised_value - preliminary_value as bigint) as revision,
        cast({{ revision_pct('revised_value', 'preliminary_value') }} as double precision)
            as revision_pct,
        cast(latest_value - preliminary_value as bigint) as latest_revision,
        cast({{ revision_pct('latest_value', 'preliminary_value') }} as double precision)
            as latest_revision_pct
    from vintages_joined

)

select * from final
