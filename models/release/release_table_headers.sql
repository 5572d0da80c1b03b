-- one row per column of a table of a release, in the order the release shows them: the
-- header in each language and, for a two-level header, the group it stands under
with

layout as (

    select * from {{ ref('release_column_layout') }}

),

labels as (

    select * from {{ ref('int_release_labels_translated') }}

),

final as (

    select
        cast(layout.table_name as varchar) as table_name,
        cast(layout.column_position as integer) as column_position,
        cast(layout.column_name as varchar) as column_name,
        cast(layout.value_kind as varchar) as value_kind,
        cast(layout.source_column_name as varchar) as source_column_name,
        cast(layout.status_column_name as varchar) as status_column_name,
        cast(headers.label_en as varchar) as header_en,
        cast(headers.label_ru as varchar) as header_ru,
        cast(headers.label_kk as varchar) as header_kk,
        cast(header_groups.label_en as varchar) as header_group_en,
        cast(header_groups.label_ru as varchar) as header_group_ru,
        cast(header_groups.label_kk as varchar) as header_group_kk
    from layout
    left join labels as headers
        on layout.header_label_code = headers.label_code
    left join labels as header_groups
        on layout.header_group_label_code = header_groups.label_code

)

select * from final
