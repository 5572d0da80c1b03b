-- Arrivals, departures and net migration of every region by flow and declared reason for
-- moving, for each evaluation's years: the region flows of the counts by reason
-- (int_region_flows_evaluated, cell shape `reason_citizenship`). Exact counts, with the
-- flags of the release's small-number protection (macro small_count_suppression).
-- Release-scoped (macro release_scope): a build recomputes the releases that what was
-- ingested since can change, and keeps the rows of the others.
-- depends_on: {{ ref('int_evaluations_selected') }}
-- depends_on: {{ ref('stg_coupons__extract_rows') }}
{%- set scope = release_scope() %}
{{ config(post_hook="{{ record_release_scope() }}") }}
with

{{ release_scope_changed_releases(scope) }}

flow_ends as (

    select * from {{ ref('int_region_flows_evaluated') }}
    where cell_shape_code = 'reason_citizenship' and {{ release_scope_filter(scope, 'release_id') }}

),

reasons as (

    select * from {{ ref('reasons') }}

),

-- every cell with its margins: the republic (KZ) and all reasons (_T, the region's flow)
cells as (

    select
        release_id,
        registration_year as year,
        flow_code,
        case when grouping(region_code) = 1 then 'KZ' else region_code end as region_code,
        case when grouping(reason_code) = 1 then '_T' else reason_code end as reason_code,
        sum(external_arrivals + interregional_arrivals + intraregional_moves) as arrivals,
        sum(external_departures + interregional_departures + intraregional_moves) as departures
    from flow_ends
    group by release_id, registration_year, flow_code, cube(region_code, reason_code)

),

{{ hypercube_cell_suppression(
    'cells',
    ['release_id', 'year', 'flow_code'],
    [{'column': 'region_code', 'total': 'KZ'}, {'column': 'reason_code', 'total': '_T'}],
    ['arrivals', 'departures'],
    "cells.reason_code = '_T'",
    var('people_protection_rounds'),
    var('people_protection_candidates'),
) }},

final as (

    select
        cast(protected.release_id as varchar) as release_id,
        cast(protected.year as integer) as year,
        cast(protected.region_code as varchar) as region_code,
        cast(protected.flow_code as varchar) as flow_code,
        cast(protected.reason_code as varchar) as reason_code,
        cast(reasons.reason_name_en as varchar) as reason_name_en,
        cast(reasons.reason_name_ru as varchar) as reason_name_ru,
        cast(reasons.reason_name_kk as varchar) as reason_name_kk,
        cast(protected.arrivals as bigint) as arrivals,
        cast(protected.departures as bigint) as departures,
        cast(protected.arrivals - protected.departures as bigint) as net_migration,
        cast(protected.arrivals_is_suppressed as boolean) as arrivals_is_suppressed,
        cast(protected.departures_is_suppressed as boolean) as departures_is_suppressed,
        cast(protected.arrivals_is_suppressed or protected.departures_is_suppressed as boolean)
            as net_migration_is_suppressed,
        cast(protected.arrivals_withheld_reason_code as varchar) as arrivals_withheld_reason_code,
        cast(protected.departures_withheld_reason_code as varchar)
            as departures_withheld_reason_code,
        cast(
            case
                when protected.arrivals_is_suppressed or protected.departures_is_suppressed
                    then 'secondary'
            end as varchar
        ) as net_migration_withheld_reason_code,
        cast(protected.is_detail_withheld as boolean) as is_detail_withheld
    from cells_protected as protected
    inner join reasons
        on protected.reason_code = reasons.reason_code

)

select * from final
{{ release_scope_kept_rows(scope) }}
