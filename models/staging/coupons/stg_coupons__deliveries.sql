-- The record of what was read of each delivery, kept across builds: the landing check
-- compares every delivery with it and stops when one changed (macros/landing). Incremental
-- like stg_coupons__extract_rows: a build appends the deliveries it reads for the first
-- time; --full-refresh reads every delivery afresh.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

with

source as (

    select * from {{ source('coupons', 'coupon_deliveries') }}
    {%- if is_incremental() %}
        where source_file not in (select read_before.source_file from {{ this }} as read_before)
    {%- endif %}

),

final as (

    select
        source_file,
        file_format,
        file_size_bytes,
        file_sha256,
        row_count,
        read_at
    from source

)

select * from final
