-- the observations of each release's SDMX data set (kzmig export --format sdmx): one row
-- per cell of the region table (the republic and its regions x flow x direction), of the
-- table by country (the republic x counterpart country) and of the people's tables (by sex
-- and age, by reason, by citizenship, with their totals: the republic, both sexes, all
-- ages), for the release's own period. A withheld cell of the people's tables
-- stays, with no value and its confidentiality status (sdmx_conf_status); cells of a
-- group withheld whole are listed too (the release tables leave them out).
with

releases as (

    select * from {{ ref('dim_release') }}

),

by_region as (

    select * from {{ ref('migration_by_region_annual') }}

),

by_country as (

    select * from {{ ref('external_migration_by_country_annual') }}

),

by_sex_and_age as (

    select * from {{ ref('migration_by_sex_and_age_annual') }}

),

by_reason as (

    select * from {{ ref('migration_by_reason_annual') }}

),

by_citizenship as (

    select * from {{ ref('external_migration_by_citizenship_annual') }}

),

directions as (

    select directions.direction
    from (values ('ARR'), ('DEP'), ('NET')) as directions (direction)

),

own_year_regions as (

    select by_region.*
    from by_region
    inner join releases
        on
            by_region.release_id = releases.release_id
            and by_region.year = releases.period_year
    where by_region.source_release_id = by_region.release_id

),

region_flows as (

    select
        release_id,
        region_code,
        'external' as flow_code,
        external_arrivals as arrivals,
        external_departures as departures
    from own_year_regions
    union all
    select
        release_id,
        region_code,
        'interregional' as flow_code,
        interregional_arrivals as arrivals,
        interregional_departures as departures
    from own_year_regions
    union all
    select
        release_id,
        region_code,
        'intraregional' as flow_code,
        intraregional_moves as arrivals,
        intraregional_moves as departures
    from own_year_regions

),

-- the republic's row of the region table: its regions' flows added up (its external
-- flows are the country's; the moves between its regions and within them, all of them)
republic_flows as (

    select
        region_flows.release_id,
        'KZ' as region_code,
        region_flows.flow_code,
        sum(region_flows.arrivals) as arrivals,
        sum(region_flows.departures) as departures
    from region_flows
    group by
        region_flows.release_id,
        region_flows.flow_code

),

territory_flows as (

    select * from region_flows
    union all
    select * from republic_flows

),

region_table as (

    select
        territory_flows.release_id,
        territory_flows.region_code as ref_area,
        territory_flows.flow_code as flow,
        directions.direction,
        '_T' as counterpart_area,
        '_T' as citizenship,
        '_T' as reason,
        '_T' as sex,
        '_T' as age,
        case directions.direction
            when 'ARR' then territory_flows.arrivals
            when 'DEP' then territory_flows.departures
            else territory_flows.arrivals - territory_flows.departures
        end as obs_value,
        'F' as conf_status
    from territory_flows
    cross join directions

),

country_table as (

    select
        by_country.release_id,
        'KZ' as ref_area,
        'external' as flow,
        directions.direction,
        by_country.country_code as counterpart_area,
        '_T' as citizenship,
        '_T' as reason,
        '_T' as sex,
        '_T' as age,
        case directions.direction
            when 'ARR' then by_country.arrivals
            when 'DEP' then by_country.departures
            else by_country.net_migration
        end as obs_value,
        'F' as conf_status
    from by_country
    inner join releases
        on
            by_country.release_id = releases.release_id
            and by_country.year = releases.period_year
    cross join directions
    where by_country.source_release_id = by_country.release_id

),

people_cells as (

    select
        by_sex_and_age.release_id,
        by_sex_and_age.year,
        by_sex_and_age.region_code,
        by_sex_and_age.flow_code,
        by_sex_and_age.sex_code,
        by_sex_and_age.age_group_code,
        '_T' as reason_code,
        '_T' as citizenship_code,
        by_sex_and_age.arrivals,
        by_sex_and_age.departures,
        by_sex_and_age.net_migration,
        by_sex_and_age.arrivals_withheld_reason_code,
        by_sex_and_age.departures_withheld_reason_code,
        by_sex_and_age.net_migration_withheld_reason_code
    from by_sex_and_age
    -- every cell the release tables publish, the republic (KZ) and the totals by sex and
    -- by age included; a region and flow's total of all sexes and ages is the region
    -- table's observation (region_table), listed once
    where not (by_sex_and_age.sex_code = '_T' and by_sex_and_age.age_group_code = '_T')
    union all
    select
        by_reason.release_id,
        by_reason.year,
        by_reason.region_code,
        by_reason.flow_code,
        '_T' as sex_code,
        '_T' as age_group_code,
        by_reason.reason_code,
        '_T' as citizenship_code,
        by_reason.arrivals,
        by_reason.departures,
        by_reason.net_migration,
        by_reason.arrivals_withheld_reason_code,
        by_reason.departures_withheld_reason_code,
        by_reason.net_migration_withheld_reason_code
    from by_reason
    where by_reason.reason_code != '_T'
    union all
    select
        by_citizenship.release_id,
        by_citizenship.year,
        by_citizenship.region_code,
        'external' as flow_code,
        '_T' as sex_code,
        '_T' as age_group_code,
        '_T' as reason_code,
        by_citizenship.citizenship_code,
        by_citizenship.arrivals,
        by_citizenship.departures,
        by_citizenship.net_migration,
        by_citizenship.arrivals_withheld_reason_code,
        by_citizenship.departures_withheld_reason_code,
        by_citizenship.net_migration_withheld_reason_code
    from by_citizenship
    where by_citizenship.citizenship_code != '_T'

),

people_table as (

    select
        people_cells.release_id,
        people_cells.region_code as ref_area,
        people_cells.flow_code as flow,
        directions.direction,
        '_T' as counterpart_area,
        people_cells.citizenship_code as citizenship,
        people_cells.reason_code as reason,
        case people_cells.sex_code when 'U' then '_U' else people_cells.sex_code end as sex,
        people_cells.age_group_code as age,
        case directions.direction
            when 'ARR' then people_cells.arrivals
            when 'DEP' then people_cells.departures
            else people_cells.net_migration
        end as exact_value,
        case directions.direction
            when 'ARR' then people_cells.arrivals_withheld_reason_code
            when 'DEP' then people_cells.departures_withheld_reason_code
            else people_cells.net_migration_withheld_reason_code
        end as withheld_reason_code
    from people_cells
    inner join releases
        on
            people_cells.release_id = releases.release_id
            and people_cells.year = releases.period_year
    cross join directions

),

people_table_protected as (

    select
        release_id,
        ref_area,
        flow,
        direction,
        counterpart_area,
        citizenship,
        reason,
        sex,
        age,
        case when withheld_reason_code is null then exact_value end as obs_value,
        case withheld_reason_code
            when 'primary' then 'C'
            when 'secondary' then 'D'
            else 'F'
        end as conf_status
    from people_table

),

observations as (

    select * from region_table
    union all
    select * from country_table
    union all
    select * from people_table_protected

),

final as (

    select
        cast(observations.release_id as varchar) as release_id,
        cast(observations.ref_area as varchar) as ref_area,
        cast(observations.flow as varchar) as flow,
        cast(observations.direction as varchar) as direction,
        cast(observations.counterpart_area as varchar) as counterpart_area,
        cast(observations.citizenship as varchar) as citizenship,
        cast(observations.reason as varchar) as reason,
        cast(observations.sex as varchar) as sex,
        cast(observations.age as varchar) as age,
        cast(
            case
                when releases.period_end_month = 12
                    then cast(releases.period_year as varchar)
                else {{ dbt.concat([
                    "cast(releases.period_year as varchar)",
                    "'-01-01/P'",
                    "cast(releases.period_end_month as varchar)",
                    "'M'",
                ]) }}
            end as varchar
        ) as time_period,
        cast(observations.obs_value as bigint) as obs_value,
        cast(observations.conf_status as varchar) as conf_status
    from observations
    inner join releases
        on observations.release_id = releases.release_id

)

select * from final
