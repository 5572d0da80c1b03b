with

labels_en as (

    select * from {{ ref('release_labels_en') }}

),

labels_ru as (

    select * from {{ ref('release_labels_ru') }}

),

labels_kk as (

    select * from {{ ref('release_labels_kk') }}

),

-- every code of every language: a code missing from one file leaves its label null,
-- which the contract refuses
label_codes as (

    select labels_en.label_code from labels_en
    union
    select labels_ru.label_code from labels_ru
    union
    select labels_kk.label_code from labels_kk

),

final as (

    select
        cast(label_codes.label_code as varchar) as label_code,
        cast(labels_en.label as varchar) as label_en,
        cast(labels_ru.label as varchar) as label_ru,
        cast(labels_kk.label as varchar) as label_kk
    from label_codes
    left join labels_en
        on label_codes.label_code = labels_en.label_code
    left join labels_ru
        on label_codes.label_code = labels_ru.label_code
    left join labels_kk
        on label_codes.label_code = labels_kk.label_code

)

select * from final
