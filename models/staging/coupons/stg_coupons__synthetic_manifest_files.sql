-- The deliveries the synthetic world's manifest.json lists, as the generator wrote them:
-- renamed so that they do not read as the delivery as read (stg_coupons__deliveries).
with

source as (

    select * from {{ source('coupons', 'synthetic_manifest_files') }}

),

final as (

    select
        source_file,
        file_size_bytes as listed_file_size_bytes,
        file_sha256 as listed_file_sha256
    from source

)

select * from final
