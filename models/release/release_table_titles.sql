-- one row per table of a release: its position, its sheet name and title in each language
-- ({period} stands for the release's period), and the corner label of a matrix
with

layout as (

    select * from {{ ref('release_table_layout') }}

),

labels as (

    select * from {{ ref('int_release_labels_translated') }}

),

final as (

    select
        cast(layout.table_name as varchar) as table_name,
        cast(layout.table_position as integer) as table_position,
        cast(layout.is_dynamic as boolean) as is_dynamic,
        cast(layout.label_column_name as varchar) as label_column_name,
        cast(sheets.label_en as varchar) as sheet_name_en,
        cast(sheets.label_ru as varchar) as sheet_name_ru,
        cast(sheets.label_kk as varchar) as sheet_name_kk,
        cast(titles.label_en as varchar) as title_en,
        cast(titles.label_ru as varchar) as title_ru,
        cast(titles.label_kk as varchar) as title_kk,
        cast(corners.label_en as varchar) as corner_label_en,
        cast(corners.label_ru as varchar) as corner_label_ru,
        cast(corners.label_kk as varchar) as corner_label_kk
    from layout
    left join labels as sheets
        on {{ dbt.concat(["'sheet.'", "layout.table_name"]) }} = sheets.label_code
    left join labels as titles
        on {{ dbt.concat(["'title.'", "layout.table_name"]) }} = titles.label_code
    left join labels as corners
        on {{ dbt.concat(["'corner.'", "layout.table_name"]) }} = corners.label_code

)

select * from final
