-- the code lists of the SDMX data structure (kzmig export --format sdmx): one row per
-- dimension (or the attribute CONF_STATUS) and code, with its English name, in order;
-- `_T` (total) ends every list of a dimension whose observations can be totals
with

regions as (

    select * from {{ ref('dim_region') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

by_reason as (

    select * from {{ ref('migration_by_reason_annual') }}

),

by_sex_and_age as (

    select * from {{ ref('migration_by_sex_and_age_annual') }}

),

fixed_codes as (

    select
        fixed_codes.dimension_code,
        fixed_codes.source_rank,
        fixed_codes.code,
        fixed_codes.code_name
    from (
        values
        ('REF_AREA', 2, 'KZ', 'Republic of Kazakhstan'),
        ('FLOW', 1, 'external', 'External migration'),
        ('FLOW', 2, 'interregional', 'Interregional migration'),
        ('FLOW', 3, 'intraregional', 'Intraregional migration'),
        ('DIRECTION', 1, 'ARR', 'Arrivals'),
        ('DIRECTION', 2, 'DEP', 'Departures'),
        ('DIRECTION', 3, 'NET', 'Net migration'),
        ('SEX', 1, 'M', 'Male'),
        ('SEX', 2, 'F', 'Female'),
        ('SEX', 3, '_U', 'Not stated'),
        ('SEX', 4, '_T', 'Total'),
        ('CONF_STATUS', 1, 'F', 'Free'),
        ('CONF_STATUS', 2, 'C', 'Confidential statistical information'),
        (
            'CONF_STATUS',
            3,
            'D',
            'Secondary confidentiality set by the sender, not for publication'
        )
    ) as fixed_codes (dimension_code, source_rank, code, code_name)

),

listed_codes as (

    select
        'REF_AREA' as dimension_code,
        1 as source_rank,
        region_code as code,
        region_name_en as code_name
    from regions
    union all
    select
        'COUNTERPART_AREA' as dimension_code,
        1 as source_rank,
        country_code as code,
        country_name_en as code_name
    from countries
    union all
    select
        'CITIZENSHIP' as dimension_code,
        1 as source_rank,
        country_code as code,
        country_name_en as code_name
    from countries
    union all
    select distinct
        'REASON' as dimension_code,
        1 as source_rank,
        reason_code as code,
        reason_name_en as code_name
    from by_reason
    union all
    select distinct
        'AGE' as dimension_code,
        1 as source_rank,
        age_group_code as code,
        age_group_name_en as code_name
    from by_sex_and_age

),

totals as (

    select distinct
        listed_codes.dimension_code,
        3 as source_rank,
        '_T' as code,
        'Total' as code_name
    from listed_codes

),

all_codes as (

    select * from fixed_codes
    union all
    select * from listed_codes
    union all
    select * from totals

),

-- a code listed twice (`_T` of the ages: "All ages") keeps its first name
ranked as (

    select
        dimension_code,
        source_rank,
        code,
        code_name,
        row_number() over (
            partition by dimension_code, code order by source_rank
        ) as code_rank
    from all_codes

),

final as (

    select
        cast(dimension_code as varchar) as dimension_code,
        cast(
            row_number() over (
                partition by dimension_code order by source_rank, code
            ) as integer
        ) as code_position,
        cast(code as varchar) as code,
        cast(code_name as varchar) as code_name
    from ranked
    where code_rank = 1

)

select * from final
