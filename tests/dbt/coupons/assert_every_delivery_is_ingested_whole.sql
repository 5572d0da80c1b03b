-- Every delivery read is in the coupon rows whole, and no row comes from a delivery that
-- was not read: per file, the rows of stg_coupons__extract_rows number exactly the
-- delivery's row_count (as the landing check counted its records, kzmig.landing), from 1
-- to row_count. Fails when the engine read a delivery otherwise than the check did, or
-- when a build stopped between recording a delivery and ingesting its rows (recover with
-- a full rebuild, --full-refresh). Returns the files that do not balance.
with

deliveries as (

    select * from {{ ref('stg_coupons__deliveries') }}

),

extract_rows as (

    select * from {{ ref('stg_coupons__extract_rows') }}

),

ingested_files as (

    select
        source_file,
        count(*) as ingested_row_count,
        min(source_row) as first_row,
        max(source_row) as last_row
    from extract_rows
    group by source_file

),

final as (

    select
        coalesce(deliveries.source_file, ingested_files.source_file) as source_file,
        deliveries.row_count as delivered_row_count,
        ingested_files.ingested_row_count,
        ingested_files.first_row,
        ingested_files.last_row
    from deliveries
    full outer join ingested_files
        on deliveries.source_file = ingested_files.source_file
    where
        deliveries.source_file is null
        or (ingested_files.source_file is null and deliveries.row_count > 0)
        or ingested_files.ingested_row_count != deliveries.row_count
        or ingested_files.first_row != 1
        or ingested_files.last_row != deliveries.row_count

)

select * from final
