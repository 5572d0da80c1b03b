-- Every delivery the warehouse ingested is still the delivery of the landing record, byte
-- for byte: the same SHA-256 in stg_coupons__deliveries (what the rows in staging were
-- read from) and in landing.coupon_deliveries (what the landing check or `kzmig load`
-- found now). On DuckDB the landing check stops a changed delivery before the build; on
-- PostgreSQL this catches landing tables reloaded (`kzmig load --full-refresh`) under an
-- incremental build: rebuild with --full-refresh. Returns the deliveries that differ.
with

ingested_deliveries as (

    select * from {{ ref('stg_coupons__deliveries') }}

),

landed_deliveries as (

    select * from {{ source('coupons', 'coupon_deliveries') }}

),

final as (

    select
        ingested_deliveries.source_file,
        ingested_deliveries.file_sha256 as ingested_file_sha256,
        landed_deliveries.file_sha256 as landed_file_sha256
    from ingested_deliveries
    left join landed_deliveries
        on ingested_deliveries.source_file = landed_deliveries.source_file
    where
        landed_deliveries.source_file is null
        or landed_deliveries.file_sha256 != ingested_deliveries.file_sha256

)

select * from final
