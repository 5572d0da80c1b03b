-- The synthetic mark of each delivery read: synthetic only when the manifest.json of a
-- synthetic world in its folder lists it with the SHA-256 it was read with (its exact
-- bytes, as kzmig generate wrote them). A delivery the manifest does not list (a real one
-- dropped into the folder) or lists with another SHA-256 (edited by hand) is not. A
-- manifest of a generator older than the mark lists names only: its deliveries are taken
-- as synthetic by name, the safe side (a synthetic world must never pass as real).
with

deliveries as (

    select * from {{ ref('stg_coupons__deliveries') }}

),

manifest_files as (

    select * from {{ ref('stg_coupons__synthetic_manifest_files') }}

),

final as (

    select
        deliveries.source_file,
        deliveries.file_format,
        deliveries.file_size_bytes,
        deliveries.file_sha256,
        deliveries.row_count,
        deliveries.read_at,
        manifest_files.listed_file_sha256,
        manifest_files.source_file is not null
        and coalesce(
            manifest_files.listed_file_sha256 = deliveries.file_sha256, true
        ) as is_synthetic
    from deliveries
    left join manifest_files
        on deliveries.source_file = manifest_files.source_file

)

select * from final
