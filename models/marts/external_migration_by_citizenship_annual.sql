-- External arrivals, departures and net migration of every region by country of
-- citizenship (`XXX`: stateless or not stated), for each evaluation's years: the region
-- flows of the counts by citizenship (int_region_flows_evaluated, cell shape
-- `reason_citizenship`), external flow only. Exact counts, with the flags of the release's
-- small-number protection (macro small_count_suppression).
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
    where
        cell_shape_code = 'reason_citizenship'
        and flow_code = 'external'
        and {{ release_scope_filter(scope, 'release_id') }}

),

-- every cell with its margins: the republic (KZ) and all citizenships (_T, the region's
-- external flow)
cells as (

    select
        release_id,
        registration_year as year,
        case when grouping(region_code) = 1 then 'KZ' else region_code end as region_code,
        case when grouping(citizenship_code) = 1 then '_T' else citizenship_code end
            as citizenship_code,
        sum(external_arrivals) as arrivals,
        sum(external_departures) as departures
    from flow_ends
    group by release_id, registration_year, cube(region_code, citizenship_code)

),

{{ hypercube_cell_suppression(
    'cells',
    ['release_id', 'year'],
    [{'column': 'region_code', 'total': 'KZ'}, {'column': 'citizenship_code', 'total': '_T'}],
    ['arrivals', 'departures'],
    "cells.citizenship_code = '_T'",
    var('people_protection_rounds'),
    var('people_protection_candidates'),
) }},

final as (

    select
        cast(release_id as varchar) as release_id,
        cast(year as integer) as year,
        cast(region_code as varchar) as region_code,
        cast(citizenship_code as varchar) as citizenship_code,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        cast(arrivals - departures as bigint) as net_migration,
        cast(arrivals_is_suppressed as boolean) as arrivals_is_suppressed,
        cast(departures_is_suppressed as boolean) as departures_is_suppressed,
        cast(arrivals_is_suppressed or departures_is_suppressed as boolean)
            as net_migration_is_suppressed,
        cast(arrivals_withheld_reason_code as varchar) as arrivals_withheld_reason_code,
        cast(departures_withheld_reason_code as varchar) as departures_withheld_reason_code,
        cast(
            case when arrivals_is_suppressed or departures_is_suppressed then 'secondary' end
            as varchar
        ) as net_migration_withheld_reason_code,
        cast(is_detail_withheld as boolean) as is_detail_withheld
    from cells_protected
    where citizenship_code != '_T'

)

select * from final
{{ release_scope_kept_rows(scope) }}
