-- the dynamic table by country and year: each year's total, then the CIS and the other
-- countries, each group's subtotal above its countries
with

releases as (

    select * from {{ ref('dim_release') }}

),

by_country as (

    select * from {{ ref('external_migration_by_country_annual') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

labels as (

    select * from {{ ref('int_release_labels_translated') }}

),

-- the complete years the release shows (release_dynamics)
release_countries as (

    select
        by_country.release_id,
        by_country.year,
        by_country.source_release_id,
        by_country.country_code,
        case when by_country.is_cis then 'cis' else 'other' end as country_group_code,
        by_country.arrivals,
        by_country.departures,
        by_country.net_migration
    from by_country
    inner join releases
        on by_country.release_id = releases.release_id
    where {{ is_shown_in_release_period('releases', 'by_country.year') }}

),

rolled_up as (

    select
        release_countries.release_id,
        release_countries.year,
        release_countries.source_release_id,
        release_countries.country_group_code,
        release_countries.country_code,
        grouping(release_countries.country_group_code) as is_total,
        grouping(release_countries.country_code) as is_subtotal,
        sum(release_countries.arrivals) as arrivals,
        sum(release_countries.departures) as departures,
        sum(release_countries.net_migration) as net_migration
    from release_countries
    group by
        release_countries.release_id,
        release_countries.year,
        release_countries.source_release_id,
        rollup(release_countries.country_group_code, release_countries.country_code)

),

final as (

    select
        cast(rolled_up.release_id as varchar) as release_id,
        cast(row_number() over (
            partition by rolled_up.release_id
            order by
                rolled_up.year asc,
                rolled_up.is_total desc,
                rolled_up.country_group_code asc,
                rolled_up.is_subtotal desc,
                rolled_up.arrivals desc,
                rolled_up.departures desc,
                rolled_up.country_code asc
        ) as integer) as row_order,
        cast(case
            when rolled_up.is_total = 1 then 'total'
            when rolled_up.is_subtotal = 1 then 'subtotal'
            else 'item'
        end as varchar) as row_level,
        cast(rolled_up.year as integer) as year,
        cast(rolled_up.country_code as varchar) as country_code,
        cast(coalesce(countries.country_short_name_en, row_labels.label_en) as varchar)
            as country_name_en,
        cast(coalesce(countries.country_short_name_ru, row_labels.label_ru) as varchar)
            as country_name_ru,
        cast(coalesce(countries.country_short_name_kk, row_labels.label_kk) as varchar)
            as country_name_kk,
        cast(rolled_up.country_group_code as varchar) as country_group_code,
        cast(group_labels.label_en as varchar) as country_group_name_en,
        cast(group_labels.label_ru as varchar) as country_group_name_ru,
        cast(group_labels.label_kk as varchar) as country_group_name_kk,
        cast(rolled_up.arrivals as bigint) as arrivals,
        cast(rolled_up.departures as bigint) as departures,
        cast(rolled_up.net_migration as bigint) as net_migration,
        cast(rolled_up.source_release_id as varchar) as source_release_id
    from rolled_up
    left join countries
        on rolled_up.country_code = countries.country_code
    left join labels as group_labels
        on group_labels.label_code = 'country_group.' || rolled_up.country_group_code
    left join labels as row_labels
        on
            rolled_up.is_subtotal = 1
            and row_labels.label_code = case
                when rolled_up.is_total = 1 then 'total'
                else 'country_group.' || rolled_up.country_group_code
            end

)

select * from final
