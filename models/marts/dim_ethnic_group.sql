with

ethnic_groups as (

    select * from {{ ref('ethnic_groups') }}

),

final as (

    select
        cast(ethnic_group_code as varchar) as ethnic_group_code,
        cast(ethnic_group_name_en as varchar) as ethnic_group_name_en,
        cast(ethnic_group_name_ru as varchar) as ethnic_group_name_ru,
        cast(ethnic_group_name_kk as varchar) as ethnic_group_name_kk,
        cast(is_shown_separately as boolean) as is_shown_separately,
        -- '998' is the classifier's "other ethnic groups": it takes every group the
        -- release does not show in a row of its own
        cast(
            case when is_shown_separately then ethnic_group_code else '998' end as varchar
        ) as reported_ethnic_group_code,
        -- '998' other groups and '999' not stated are residual rows, not ethnic groups
        cast(ethnic_group_code not in ('998', '999') as boolean) as is_specific_group
    from ethnic_groups

)

select * from final
